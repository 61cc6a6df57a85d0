package io.qemureactor.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.junit.BootVm;
import io.qemureactor.core.junit.QemuVms;
import io.qemureactor.core.junit.Vm;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.qmp.QmpCommands;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The README's JUnit example, verbatim below this comment (DocSnippetsIT runs it through the JUnit test kit). */
@QemuVms
class DutTest {
    @BootVm static Supplier<VmSpec> dut =             // called when the VMs boot, not in a static initializer
            () -> GuestKit.ensure().block().spec(1, GuestKit.Flavour.DEFAULT).build();

    @Test
    void isRunning(@Vm("dut") RunningVm vm) {
        StepVerifier.create(vm.qmp().execute(QmpCommands.queryStatus()))
                .assertNext(s -> assertThat(s.running()).isTrue())
                .verifyComplete();
    }
}
