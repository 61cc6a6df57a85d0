package io.qemureactor.core.cmdline;

import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.Arch;
import io.qemureactor.core.spec.BootSource.KernelBoot;
import io.qemureactor.core.spec.BootSource.NinePRoot;
import io.qemureactor.core.spec.MemoryBackend;
import io.qemureactor.core.spec.UserNetwork;
import io.qemureactor.core.spec.VhostUserNic;
import io.qemureactor.core.spec.VmSpec;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The specs equivalent to the seed's cases that {@code golden/seed_argv.py} derives: same VM ids,
 * sizes, images and sockets as its inputs. Run folders are short paths under /tmp/qr.
 */
final class GoldenSpecs {

    static final Path KERNEL = Path.of("/opt/boot/vmlinuz-4.15.0-72-generic");
    static final Path INITRD = Path.of("/opt/boot/initrd.img-4.15.0-72-generic");
    /** The seed's kernel parameters other than the 9p root, console and init, which the renderer adds. */
    static final String SEED_APPEND = "tsc=reliable hugepages=256 fastboot";

    private GoldenSpecs() {
    }

    static RunLayout layout(VmSpec spec) {
        return RunLayout.in(Path.of("/tmp/qr", spec.name()));
    }

    /** Seed: {@code QemuUtils(node, qemu_id=1, smp=2, mem=2048)} with the nested image. */
    static VmSpec nestedVm() {
        return VmSpec.builder().id(1).name("vnf1").smp(2).memoryMib(2048)
                .memoryBackend(MemoryBackend.defaultHugepages()).accelerator(Accelerator.KVM)
                .diskImage(Path.of("/var/lib/vm/vhost-nested.img"))
                .userNetwork(UserNetwork.sshForward(10021 + 1))
                .build();
    }

    static KernelBoot seedKernel(Path kernel, Path initrd, int id) {
        return new KernelBoot(kernel, Optional.of(initrd), SEED_APPEND,
                Optional.of(NinePRoot.hostRoot(Path.of("/etc/vm_init_" + id + ".conf"))));
    }

    /** Seed: {@code QemuUtils(node, qemu_id=2, smp=2, mem=1024, img=QEMU_VM_KERNEL)}. */
    static VmSpec kernelVm() {
        return VmSpec.builder().id(2).name("vnf2").smp(2).memoryMib(1024)
                .memoryBackend(MemoryBackend.defaultHugepages()).accelerator(Accelerator.KVM)
                .kernel(seedKernel(KERNEL, INITRD, 2))
                .noGuestAgent()
                .build();
    }

    /**
     * Seed: kernel VM 3 (smp 3, 2048 MiB) plus {@code qemu_add_vhost_user_if('/run/vpp/sock-3-1')} and
     * {@code qemu_add_vhost_user_if('/run/vpp/sock-3-2', server=False, jumbo_frames=True, queue_size=1024,
     * queues=2)}; memfd instead of /dev/hugepages, as tests on machines without hugetlbfs need.
     */
    static VmSpec vhostUserVm() {
        return VmSpec.builder().id(3).name("vnf3").smp(3).memoryMib(2048)
                .memoryBackend(MemoryBackend.memfd()).accelerator(Accelerator.KVM)
                .kernel(seedKernel(KERNEL, INITRD, 3))
                .noGuestAgent()
                .addVhostUserNic(VhostUserNic.server(Path.of("/run/vpp/sock-3-1")))
                .addVhostUserNic(VhostUserNic.client(Path.of("/run/vpp/sock-3-2"))
                        .withJumboFrames(true).withQueueSize(1024).withQueues(2))
                .build();
    }

    /** Seed: kernel VM 4 (smp 1, 512 MiB) on an aarch64 node. */
    static VmSpec aarch64KernelVm() {
        return VmSpec.builder().id(4).name("vnf4").arch(Arch.AARCH64).smp(1).memoryMib(512)
                .memoryBackend(MemoryBackend.defaultHugepages()).accelerator(Accelerator.KVM)
                .kernel(seedKernel(Path.of("/opt/boot/vmlinuz-4.15.0-72-generic-arm64"),
                        Path.of("/opt/boot/initrd.img-4.15.0-72-generic-arm64"), 4))
                .noGuestAgent()
                .build();
    }
}
