package io.qemureactor.cli;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.BootSource;
import io.qemureactor.core.spec.VmSpec;
import picocli.CommandLine.Option;

/** The guest's shape, shared by {@code boot} and {@code template create}: flavour, accelerator, vCPUs, memory, kernel parameters. */
final class GuestOptions {

    @Option(names = "--mode", paramLabel = "MODE", converter = OptionValues.FlavourConverter.class,
            description = "The test guest's flavour: default (initramfs only), disk (ext4 root on virtio-blk), "
                    + "kernel (the host's / over 9p) (default: default).")
    GuestKit.Flavour mode;

    @Option(names = "--accel", paramLabel = "ACCEL", defaultValue = "auto", converter = OptionValues.AccelConverter.class,
            description = "auto, kvm or tcg; auto takes KVM only where it really runs a guest (default: ${DEFAULT-VALUE}).")
    Accelerator accel;

    @Option(names = "--smp", paramLabel = "N", defaultValue = "1", description = "vCPUs per VM (default: ${DEFAULT-VALUE}).")
    int smp;

    @Option(names = "--mem", paramLabel = "MiB", defaultValue = "256", description = "Memory per VM (default: ${DEFAULT-VALUE}).")
    int memoryMib;

    @Option(names = "--append", paramLabel = "TEXT",
            description = "Extra kernel parameters (added to the test guest's; with boot --kernel, all of them).")
    String append;

    /** {@code --mode}, the default flavour when not given. */
    GuestKit.Flavour flavour() {
        return mode == null ? GuestKit.Flavour.DEFAULT : mode;
    }

    /** {@code --append} stripped, empty when not given. */
    String extraAppend() {
        return append == null ? "" : append.strip();
    }

    /** VM {@code id} of this shape, booting {@code source}. */
    VmSpec.Builder builder(int id, BootSource source) {
        return VmSpec.builder().id(id).smp(smp).memoryMib(memoryMib).accelerator(accel).bootSource(source);
    }
}
