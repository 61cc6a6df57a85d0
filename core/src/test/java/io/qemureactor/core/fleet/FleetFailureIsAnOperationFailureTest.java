package io.qemureactor.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.ConfigurationException;
import io.qemureactor.core.OperationFailedException;
import io.qemureactor.core.QemuReactorException;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.VmLaunchException;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.exceptions.QmpConnectException;
import io.qemureactor.exceptions.QmpException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A caller of {@code Fleet} catches the engine's root: a member whose launch ended on a QMP failure (as
 * {@code QemuLauncher} reports it, a {@link VmLaunchException} around qmp-netty's exception) fails the fleet with
 * an {@link OperationFailedException} that keeps the QMP exception as its cause. No QEMU: the launch fails as
 * scripted.
 */
class FleetFailureIsAnOperationFailureTest {

    @Test
    void aQmpFailureThatEndsABootReachesTheCallerAsTheEnginesRuntimeBranchWithItsCause() {
        QmpConnectException qmp = new QmpConnectException("unix:/tmp/qr/vm1/qmp.sock", "connection refused", null);
        VmStarter starter = (host, spec, probe, preparer) -> Mono.error(new VmLaunchException(spec.name(),
                spec.name() + " on " + host.name() + " failed to boot: " + qmp.getMessage(), qmp, OptionalInt.empty(),
                List.of(), List.of()));
        VmSpec spec = VmSpec.builder().id(1).diskImage(Path.of("/img/disk.img")).build();
        FleetHost local = FleetHost.of("localhost", LocalHost.instance(), HostCapacity.unlimited());
        Fleet fleet = Fleet.boot(starter, List.of(local), List.of(FleetMember.of(spec, BootProbe.qga())),
                FleetOptions.defaults());

        Throwable failure = null;
        try {
            fleet.ready().block(Duration.ofSeconds(20));
        } catch (QemuReactorException e) {
            failure = e;
        }
        assertThat(failure).isInstanceOf(FleetBootException.class).isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("vm1 on localhost failed to boot");
        assertThat(failure.getCause()).isInstanceOf(VmLaunchException.class).isInstanceOf(OperationFailedException.class);
        assertThat(failure.getCause().getCause()).isSameAs(qmp).isInstanceOf(QmpException.class);

        // docs/errors.md
        Mono<String> outcome = fleet.ready()
                .map(result -> result.running().size() + " VMs up")
                .onErrorResume(ConfigurationException.class, e -> Mono.just("fix the input: " + e.getMessage()))
                .onErrorResume(OperationFailedException.class, e -> Mono.just("the engine failed: " + e.getMessage()));
        assertThat(outcome.block(Duration.ofSeconds(20)))
                .startsWith("the engine failed: fleet of 1 did not come up (all-or-nothing): vm1 on localhost failed to boot");
        fleet.disposeLater().block(Duration.ofSeconds(20));
    }
}
