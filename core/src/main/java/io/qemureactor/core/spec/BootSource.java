package io.qemureactor.core.spec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What the guest boots: a disk image (the seed's nested VM) or a kernel and initrd given to QEMU
 * directly (the seed's kernel VM), optionally with a host directory shared over 9p as the root.
 */
public sealed interface BootSource permits BootSource.DiskImage, BootSource.KernelBoot {

    /**
     * A raw disk image with the seed's cache mode ({@code none}).
     *
     * @param path the image file; not checked until the spec is built
     * @return the boot source
     */
    static DiskImage diskImage(Path path) {
        return new DiskImage(path, "raw", DiskCache.NONE);
    }

    /**
     * A disk image in any format QEMU reads, with an explicit cache mode.
     *
     * @param path the image file
     * @param format QEMU's image format name, e.g. {@code raw} or {@code qcow2}
     * @param cache the host page-cache mode of the drive
     * @return the boot source
     * @throws NullPointerException if an argument is {@code null}
     */
    static DiskImage diskImage(Path path, String format, DiskCache cache) {
        return new DiskImage(path, format, cache);
    }

    /**
     * A kernel and initrd with extra kernel parameters and no 9p root.
     *
     * @param kernel the kernel image ({@code -kernel})
     * @param initrd the initrd ({@code -initrd}), or {@code null} for none
     * @param append extra kernel parameters, or {@code null} for none
     * @return the boot source
     */
    static KernelBoot kernel(Path kernel, Path initrd, String append) {
        return new KernelBoot(kernel, Optional.ofNullable(initrd), append, Optional.empty());
    }

    /**
     * A disk image attached as a virtio block device, bootable by the firmware.
     *
     * @param path the image file
     * @param format QEMU's image format name, e.g. {@code raw} or {@code qcow2}
     * @param cache the host page-cache mode of the drive
     * @param snapshot whether the drive has {@code snapshot=on} (see {@link #withSnapshot()})
     * @param directKernel a kernel booted directly with the image as root (see {@link #withDirectKernel})
     */
    record DiskImage(Path path, String format, DiskCache cache, boolean snapshot, Optional<KernelBoot> directKernel)
            implements BootSource {
        /**
         * Checks the components.
         *
         * @param path the image file
         * @param format QEMU's image format name, e.g. {@code raw} or {@code qcow2}
         * @param cache the host page-cache mode of the drive
         * @param snapshot whether the drive has {@code snapshot=on} (see {@link #withSnapshot()})
         * @param directKernel a kernel booted directly with the image as root (see {@link #withDirectKernel})
         * @throws NullPointerException if a component is {@code null}
         * @throws IllegalArgumentException if the direct kernel has a 9p root
         */
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

        /**
         * An image without snapshot and without direct kernel.
         *
         * @param path the image file
         * @param format QEMU's image format name
         * @param cache the host page-cache mode of the drive
         */
        public DiskImage(Path path, String format, DiskCache cache) {
            this(path, format, cache, false, Optional.empty());
        }

        /**
         * A copy attached with {@code snapshot=on}: guest writes go to a temporary overlay and the
         * image is never changed, so any number of VMs can boot the same image at once.
         *
         * @return the copy
         */
        public DiskImage withSnapshot() {
            return new DiskImage(path, format, cache, true, directKernel);
        }

        /**
         * A copy booted by QEMU's direct kernel boot ({@code -kernel/-initrd/-append}) with the image
         * as the root disk ({@code root=/dev/vda} in {@code append}): for images without a bootloader,
         * such as the test guest's {@code rootfs.ext4}.
         *
         * @param kernel the kernel image
         * @param initrd the initrd, or {@code null} for none
         * @param append the kernel parameters, {@code root=/dev/vda} included, or {@code null}
         * @return the copy
         */
        public DiskImage withDirectKernel(Path kernel, Path initrd, String append) {
            return new DiskImage(path, format, cache, snapshot,
                    Optional.of(new KernelBoot(kernel, Optional.ofNullable(initrd), append, Optional.empty())));
        }
    }

    /**
     * Direct kernel boot. {@code append} holds the caller's kernel parameters; the renderer adds the
     * 9p root parameters and {@code console=} itself, so they always agree with the devices it renders.
     *
     * @param kernel the kernel image ({@code -kernel})
     * @param initrd the initrd ({@code -initrd}), if any
     * @param append the caller's kernel parameters, stripped; {@code null} becomes empty
     * @param ninePRoot the host directory mounted as the guest's root, if any
     */
    record KernelBoot(Path kernel, Optional<Path> initrd, String append, Optional<NinePRoot> ninePRoot)
            implements BootSource {
        /**
         * Checks the components and strips {@code append}.
         *
         * @param kernel the kernel image ({@code -kernel})
         * @param initrd the initrd ({@code -initrd}), if any
         * @param append the caller's kernel parameters, stripped; {@code null} becomes empty
         * @param ninePRoot the host directory mounted as the guest's root, if any
         * @throws NullPointerException if a component other than {@code append} is {@code null}
         */
        public KernelBoot {
            Objects.requireNonNull(kernel, "kernel");
            Objects.requireNonNull(initrd, "initrd");
            append = append == null ? "" : append.strip();
            Objects.requireNonNull(ninePRoot, "ninePRoot");
        }

        /**
         * A copy that mounts {@code root} over 9p as the guest's root file system.
         *
         * @param root the share to mount
         * @return the copy
         */
        public KernelBoot withNinePRoot(NinePRoot root) {
            return new KernelBoot(kernel, initrd, append, Optional.of(root));
        }
    }

    /**
     * A host directory exported read-only-by-convention over virtio-9p and mounted by the guest
     * kernel as its root ({@code root=<mountTag> rootfstype=9p}), then {@code init=<initPath>} runs.
     * The seed shared the host's {@code /} so the guest ran the host's binaries.
     *
     * @param hostPath the host directory exported
     * @param mountTag the 9p mount tag, which is also the guest's {@code root=}
     * @param initPath the guest's {@code init=}: a path inside the share
     */
    record NinePRoot(Path hostPath, String mountTag, Path initPath) {
        /**
         * Checks the components.
         *
         * @param hostPath the host directory exported
         * @param mountTag the 9p mount tag, which is also the guest's {@code root=}
         * @param initPath the guest's {@code init=}: a path inside the share
         * @throws NullPointerException if a component is {@code null}
         */
        public NinePRoot {
            Objects.requireNonNull(hostPath, "hostPath");
            Objects.requireNonNull(mountTag, "mountTag");
            Objects.requireNonNull(initPath, "initPath");
        }

        /**
         * The seed's share: the host's {@code /} under tag {@code virtioroot}, running {@code initPath}.
         *
         * @param initPath the guest's {@code init=}, a path on the host
         * @return the share
         */
        public static NinePRoot hostRoot(Path initPath) {
            return new NinePRoot(Path.of("/"), "virtioroot", initPath);
        }
    }
}
