package io.qemureactor.core.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.fleet.Fleet;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.fleet.FleetOptions;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.guest.GuestKit.Flavour;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.testing.LaunchFixture;
import io.qemureactor.core.vm.RunningVm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The resource-safe forms, {@link QemuLauncher#using} and {@link Fleet#using}: whatever the body
 * does, by the time the result arrives the VMs are gone. "Gone" is checked on the real processes:
 * no {@code /proc/PID}, no run folder.
 */
class UsingIT {

    private static final Duration LIMIT = Duration.ofSeconds(240);

    @RegisterExtension
    final LaunchFixture local = new LaunchFixture();

    private final GuestKit kit = local.kit();

    private VmSpec spec(int id) {
        return local.guest(id, Flavour.DEFAULT).build();
    }

    @Test
    void aFailingBodyStillStopsTheVmBeforeItsErrorArrives() {
        List<RunningVm> seen = new CopyOnWriteArrayList<>();

        assertThatThrownBy(() -> local.launcher().using(LocalHost.instance(), spec(41), kit.readyProbe(), vm -> {
                    seen.add(vm);
                    return vm.pin(Integer.MAX_VALUE); // a step that fails, as pin(2, 3) does on 2 cores
                }).block(LIMIT))
                .hasMessageContaining("cannot pin to host CPU " + Integer.MAX_VALUE);

        assertThat(seen).hasSize(1);
        assertGone(seen.get(0));
    }

    @Test
    void aBodysValueArrivesOnceTheVmIsGone() {
        List<RunningVm> seen = new CopyOnWriteArrayList<>();

        String kernel = local.launcher().using(LocalHost.instance(), spec(42), kit.readyProbe(), vm -> {
                    seen.add(vm);
                    return vm.qga().flatMap(agent -> agent.exec("/bin/uname", "-r")).map(r -> r.stdout().strip());
                }).block(LIMIT);

        assertThat(kernel).isNotBlank();
        assertGone(seen.get(0));
    }

    @Test
    void aFleetsFailingBodyStopsEveryVmBeforeItsErrorArrives() {
        List<FleetMember> members = List.of(FleetMember.of(spec(43), kit.readyProbe()),
                FleetMember.of(spec(44), kit.readyProbe()));
        List<RunningVm> seen = new CopyOnWriteArrayList<>();

        assertThatThrownBy(() -> Fleet.boot(local.launcher(), members, FleetOptions.defaults())
                .using(result -> {
                    seen.addAll(result.running());
                    return Flux.fromIterable(result.running())
                            .flatMap(vm -> vm.qga().flatMap(agent -> agent.exec("/bin/false")))
                            .flatMap(r -> r.succeeded() ? Mono.just(r)
                                    : Mono.error(new IllegalStateException("/bin/false failed, as it should")))
                            .then();
                }).block(LIMIT))
                .hasMessage("/bin/false failed, as it should");

        assertThat(seen).hasSize(2);
        seen.forEach(UsingIT::assertGone);
    }

    private static void assertGone(RunningVm vm) {
        assertThat(Path.of("/proc/" + vm.pid())).as("QEMU of %s", vm.name()).doesNotExist();
        assertThat(Path.of(vm.runFolder())).as("run folder of %s", vm.name()).doesNotExist();
    }
}
