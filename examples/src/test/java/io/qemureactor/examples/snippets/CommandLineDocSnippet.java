package io.qemureactor.examples.snippets;

import io.qemureactor.core.cmdline.QemuCommandLine;
import io.qemureactor.core.cmdline.RunLayout;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.MemoryBackend;
import io.qemureactor.core.spec.UserNetwork;
import io.qemureactor.core.spec.VhostUserNic;
import io.qemureactor.core.spec.VmSpec;
import java.nio.file.Path;
import java.util.List;

/** docs/command-line.md's example, verbatim (DocSnippetsTest checks it; DocSnippetsIT runs it). */
final class CommandLineDocSnippet {

    private CommandLineDocSnippet() {
    }

    static List<String> argv(Path runFolder) {
        VmSpec spec = VmSpec.builder()
                .id(1)                                          // 1..255, the seed's qemu_id
                .smp(2).memoryMib(2048)
                .memoryBackend(MemoryBackend.memfd())           // or hugepages(mount, SIZE_2M|SIZE_1G), plain()
                .accelerator(Accelerator.AUTO)                  // resolved to KVM or TCG at launch
                .diskImage(Path.of("/var/lib/vm/guest.img"))    // or kernel(KernelBoot...)
                .userNetwork(UserNetwork.sshForward(10022))
                .addVhostUserNic(VhostUserNic.server(Path.of("/run/vpp/sock-1-1")))
                .build();                                        // InvalidVmSpecException lists every problem
        QemuCommandLine cl = QemuCommandLine.render(spec, Accelerator.TCG, RunLayout.in(runFolder))
                .checkUnixSocketPaths();                         // 107-byte sun_path limit
        List<String> argv = cl.argv();                          // argv[0] = qemu-system-x86_64
        return argv;
    }
}
