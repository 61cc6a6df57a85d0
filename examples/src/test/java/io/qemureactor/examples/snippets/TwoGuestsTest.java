package io.qemureactor.examples.snippets;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.guest.GuestKit.Flavour;
import io.qemureactor.core.junit.BootVm;
import io.qemureactor.core.junit.ProbeKind;
import io.qemureactor.core.junit.QemuVms;
import io.qemureactor.core.junit.Vm;
import io.qemureactor.core.junit.VmDeclaration;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.qga.QgaClient;
import io.qemureactor.qmp.QmpCommands;
import reactor.core.publisher.Mono;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

@QemuVms
class TwoGuestsTest {

    // Lazy: nothing runs in the static initializer. The Suppliers below are called when the VMs
    // boot, so a kit that must be built is built then, and one that cannot be fails the class
    // with its reason instead of an ExceptionInInitializerError.
    static final Mono<GuestKit> kit = GuestKit.ensure().cache();

    @BootVm                                              // ready when the test guest prints its marker
    static final Supplier<VmSpec> a = () -> kit.block().spec(1, Flavour.DEFAULT).accelerator(Accelerator.TCG).build();

    @BootVm(probe = ProbeKind.QGA, timeoutSeconds = 300) // ready when its guest agent answers
    static final Supplier<VmSpec> b = () -> kit.block().spec(2, Flavour.DEFAULT).accelerator(Accelerator.TCG).build();

    @BootVm                                              // full control: spec, probe, pinning, host
    static final Supplier<VmDeclaration> c = () -> VmDeclaration.of(
            kit.block().spec(3, Flavour.DISK).accelerator(Accelerator.TCG).build(),
            BootProbe.all(kit.block().readyProbe(), BootProbe.qga()).withTimeout(Duration.ofMinutes(3)))
            .pinning(1);

    @Vm("c")
    RunningVm disk;                                      // fields work too (set before each test)

    @Test
    void bothRun(@Vm("a") RunningVm a, @Vm("b") RunningVm b) {
        StepVerifier.create(a.qmp().execute(QmpCommands.queryStatus()))
                .assertNext(status -> org.assertj.core.api.Assertions.assertThat(status.running()).isTrue())
                .expectComplete()
                .verify(Duration.ofSeconds(60));
        StepVerifier.create(b.qga().flatMap(QgaClient::ping))
                .expectComplete()
                .verify(Duration.ofSeconds(60));
    }
}
