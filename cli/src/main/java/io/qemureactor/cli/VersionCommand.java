package io.qemureactor.cli;

import io.qemureactor.core.QemuBinary;
import io.qemureactor.core.host.LocalHost;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import reactor.core.publisher.Mono;

/** {@code qemu-reactor version}: the version of the local QEMU, as {@code qemu-system-x86_64 --version} reports it. */
@Command(name = "version",
        mixinStandardHelpOptions = true,
        description = "Print the version of the local QEMU (qemu-system-x86_64).")
final class VersionCommand implements ReactiveCommand {

    @Spec
    CommandSpec spec;

    @Option(names = "--binary", paramLabel = "PROGRAM", defaultValue = QemuBinary.X86_64,
            description = "The QEMU system emulator to ask (default: ${DEFAULT-VALUE}).")
    String binary;

    @Option(names = "--timeout", paramLabel = "DUR", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to wait for it (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Mono<Integer> execute() {
        return QemuBinary.of(LocalHost.instance(), binary)
                .version()
                .timeout(timeout, Mono.error(() -> CliFailure.usage(binary + " --version did not answer within "
                        + DurationConverter.human(timeout))))
                .map(version -> {
                    spec.commandLine().getOut().println("QEMU " + version);
                    spec.commandLine().getOut().flush();
                    return 0;
                });
    }
}
