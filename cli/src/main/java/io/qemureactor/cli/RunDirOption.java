package io.qemureactor.cli;

import io.qemureactor.core.launch.LaunchOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --run-dir DIR}: where the run folders of the VMs (and switches) a command starts go. */
final class RunDirOption {

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "Where the run folders (sockets, logs) go, on the host that runs them "
                    + "(default: /tmp/qemu-reactor-USER).")
    String dir;

    /** The launch options with this run base (made absolute here), or the defaults without {@code --run-dir}. */
    LaunchOptions launchOptions() {
        LaunchOptions options = LaunchOptions.defaults();
        return dir == null ? options : options.withRunBase(Path.of(dir).toAbsolutePath().normalize().toString());
    }

    /**
     * The launch options for VMs on remote hosts ({@code where} names them for the error): the run base
     * must then be absolute, as it is taken as it is on every host.
     */
    LaunchOptions launchOptionsOnRemote(String where) {
        if (dir == null) {
            return LaunchOptions.defaults();
        }
        if (!dir.startsWith("/")) {
            throw CliFailure.usage("--run-dir must be an absolute path on " + where + ", got " + dir);
        }
        return LaunchOptions.defaults().withRunBase(dir);
    }
}
