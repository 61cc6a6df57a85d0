package io.qemureactor.core.spec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What the guest boots: a disk image (the seed's nested VM) or a kernel and initrd given to QEMU
 * directly (the seed's kernel VM), optionally with a host directory shared over 9p as the root.
 */
public sealed interface BootSource permits BootSource.DiskImage, BootSource.KernelBoot {

    /** A raw disk image with the seed's cache mode ({@code none}). */
    static DiskImage diskImage(Path path) {
        return new DiskImage(path, "raw", DiskCache.NONE);
    }

    static DiskImage diskImage(Path path, String format, DiskCache cache) {
        return new DiskImage(path, format, cache);
    }

    /** A kernel and initrd with extra kernel parameters and no 9p root. */
    static KernelBoot kernel(Path kernel, Path initrd, String append) {
        return new KernelBoot(kernel, Optional.ofNullable(initrd), append, Optional.empty());
    }

    /**
     * A disk image attached as a virtio block device, bootable by the firmware.
     *
     * @param format QEMU's image format name, e.g. {@code raw} or {@code qcow2}
     */
    record DiskImage(Path path, String format, DiskCache cache, boolean snapshot, Optional<KernelBoot> directKernel)
            implements BootSource {
        public DiskImage {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(cache, "cache");
            Objects.requireNonNull(directKernel, "directKernel");
            directKernel.ifPresent(k -> {
                if (k.ninePRoot().isPresent()) {
                    throw new IllegalArgumentException("bootSource: a disk image's direct kernel cannot also have a 9p root");
                }
            });
        }

        public DiskImage(Path path, String format, DiskCache cache) {
            this(path, format, cache, false, Optional.empty());
        }

        /**
         * A copy attached with {@code snapshot=on}: guest writes go to a temporary overlay and the
         * image is never changed, so any number of VMs can boot the same image at once.
         */
        public DiskImage withSnapshot() {
            return new DiskImage(path, format, cache, true, directKernel);
        }

        /**
         * A copy booted by QEMU's direct kernel boot ({@code -kernel/-initrd/-append}) with the image
         * as the root disk ({@code root=/dev/vda} in {@code append}): for images without a bootloader,
         * such as the test guest's {@code rootfs.ext4}.
         */
        public DiskImage withDirectKernel(Path kernel, Path initrd, String append) {
            return new DiskImage(path, format, cache, snapshot,
                    Optional.of(new KernelBoot(kernel, Optional.ofNullable(initrd), append, Optional.empty())));
        }
    }

    /**
     * Direct kernel boot. {@code append} holds the caller's kernel parameters; the renderer adds the
     * 9p root parameters and {@code console=} itself, so they always agree with the devices it renders.
     */
    record KernelBoot(Path kernel, Optional<Path> initrd, String append, Optional<NinePRoot> ninePRoot)
            implements BootSource {
        public KernelBoot {
            Objects.requireNonNull(kernel, "kernel");
            Objects.requireNonNull(initrd, "initrd");
            append = append == null ? "" : append.strip();
            Objects.requireNonNull(ninePRoot, "ninePRoot");
        }

        /** A copy that mounts {@code root} over 9p as the guest's root file system. */
        public KernelBoot withNinePRoot(NinePRoot root) {
            return new KernelBoot(kernel, initrd, append, Optional.of(root));
        }
    }

    /**
     * A host directory exported read-only-by-convention over virtio-9p and mounted by the guest
     * kernel as its root ({@code root=<mountTag> rootfstype=9p}), then {@code init=<initPath>} runs.
     * The seed shared the host's {@code /} so the guest ran the host's binaries.
     */
    record NinePRoot(Path hostPath, String mountTag, Path initPath) {
        public NinePRoot {
            Objects.requireNonNull(hostPath, "hostPath");
            Objects.requireNonNull(mountTag, "mountTag");
            Objects.requireNonNull(initPath, "initPath");
        }

        /** The seed's share: the host's {@code /} under tag {@code virtioroot}, running {@code initPath}. */
        public static NinePRoot hostRoot(Path initPath) {
            return new NinePRoot(Path.of("/"), "virtioroot", initPath);
        }
    }
}
