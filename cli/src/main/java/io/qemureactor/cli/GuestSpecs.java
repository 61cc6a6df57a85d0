package io.qemureactor.cli;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.BootSource;
import io.qemureactor.core.spec.UserNetwork;
import io.qemureactor.core.spec.VirtioNic;
import io.qemureactor.core.spec.VmSpec;
import java.util.Map;

/**
 * The test guest's spec from the boot options, shared by {@code boot} and {@code template}: a template
 * keeps these options in its manifest ({@link #origin}) so that {@code boot --template} builds its clones'
 * specs exactly as the template's was built.
 */
final class GuestSpecs {

    static final String MODE = "cli.mode";
    static final String SMP = "cli.smp";
    static final String MEM = "cli.mem";
    static final String APPEND = "cli.append";
    static final String NICS = "cli.nics";

    private GuestSpecs() {
    }

    /** The test guest in {@code flavour}, {@code append} (may be empty) added to its kernel command line. */
    static BootSource source(GuestKit kit, GuestKit.Flavour flavour, String append) {
        String extra = append == null ? "" : append.strip();
        BootSource source = kit.bootSource(flavour);
        if (extra.isEmpty()) {
            return source;
        }
        if (source instanceof BootSource.KernelBoot k) {
            return withAppend(k, extra);
        }
        BootSource.DiskImage d = (BootSource.DiskImage) source;
        return new BootSource.DiskImage(d.path(), d.format(), d.cache(), d.snapshot(), d.directKernel().map(k -> withAppend(k, extra)));
    }

    static BootSource.KernelBoot withAppend(BootSource.KernelBoot k, String extra) {
        return new BootSource.KernelBoot(k.kernel(), k.initrd(), (k.append() + " " + extra).strip(), k.ninePRoot());
    }

    /** The options a template is made with, for its manifest. */
    static Map<String, String> origin(GuestKit.Flavour flavour, int smp, int memoryMib, String append, int nics) {
        return Map.of(MODE, flavour.name(), SMP, Integer.toString(smp), MEM, Integer.toString(memoryMib),
                APPEND, append == null ? "" : append.strip(), NICS, Integer.toString(nics));
    }

    /** {@code --nics N}: the management NIC (user networking, no forward), then N-1 more virtio-net NICs. */
    static VmSpec.Builder withNics(VmSpec.Builder b, int nics) {
        if (nics > 0) {
            b.userNetwork(UserNetwork.noForward());
            for (int i = 1; i < nics; i++) {
                b.addVirtioNic(VirtioNic.create());
            }
        }
        return b;
    }

    /** VM {@code id} as the template described by {@code origin} was made (fails in one line if it was not made by the CLI). */
    static VmSpec fromOrigin(GuestKit kit, int id, Accelerator accel, Map<String, String> origin, String template) {
        if (!origin.containsKey(MODE) || !origin.containsKey(SMP) || !origin.containsKey(MEM)) {
            throw CliFailure.usage("--template " + template + " was not made by qemu-reactor template create (its manifest has"
                    + " no boot options): restore it from Java with a spec");
        }
        GuestKit.Flavour flavour = GuestKit.Flavour.valueOf(origin.get(MODE));
        return withNics(VmSpec.builder().id(id).smp(Integer.parseInt(origin.get(SMP))).memoryMib(Integer.parseInt(origin.get(MEM)))
                .accelerator(accel).bootSource(source(kit, flavour, origin.getOrDefault(APPEND, ""))),
                Integer.parseInt(origin.getOrDefault(NICS, "0"))).build();
    }
}
