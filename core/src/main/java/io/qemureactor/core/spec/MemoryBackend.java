package io.qemureactor.core.spec;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where guest RAM comes from. vhost-user back-ends map guest memory from a file descriptor, so a
 * VM with vhost-user NICs needs a shared, fd-backed backend: {@link Memfd} or {@link HugepageFile}.
 * The fd-backed backends are always rendered with {@code share=on}, as the seed did.
 */
public sealed interface MemoryBackend permits MemoryBackend.Plain, MemoryBackend.Memfd, MemoryBackend.HugepageFile,
        MemoryBackend.RamFile {

    /** {@return whether other processes (a vhost-user back-end) can map this memory} */
    boolean shared();

    /** {@return anonymous private RAM ({@code memory-backend-ram}): fine unless a vhost-user NIC is attached} */
    static Plain plain() {
        return new Plain();
    }

    /** {@return shared anonymous memory ({@code memory-backend-memfd}): needs no hugetlbfs mount, so tests use it} */
    static Memfd memfd() {
        return new Memfd();
    }

    /**
     * Shared memory in a hugetlbfs mount ({@code memory-backend-file}), the seed's {@code /dev/hugepages}.
     *
     * @param mountPath the hugetlbfs mount point
     * @param pageSize the page size of that mount
     * @return the backend
     * @throws NullPointerException if an argument is {@code null}
     */
    static HugepageFile hugepages(Path mountPath, HugepageSize pageSize) {
        return new HugepageFile(mountPath, pageSize);
    }

    /** {@return the seed's backend: {@code /dev/hugepages} with 2 MiB pages} */
    static HugepageFile defaultHugepages() {
        return new HugepageFile(Path.of("/dev/hugepages"), HugepageSize.SIZE_2M);
    }

    /**
     * Guest RAM in a regular file ({@code memory-backend-file}), for VM templates: the template maps
     * it shared ({@code share=on}: the guest's writes land in the file), each clone maps the same file
     * privately ({@code share=off}: copy-on-write, clones share the pages they have not written).
     *
     * @param path the file; QEMU creates it if missing
     * @param share {@code true} for the template, {@code false} for a clone
     * @return the backend
     * @throws NullPointerException if {@code path} is {@code null}
     */
    static RamFile ramFile(Path path, boolean share) {
        return new RamFile(path, share);
    }

    /** Anonymous private RAM ({@code memory-backend-ram}); not shared. */
    record Plain() implements MemoryBackend {
        @Override
        public boolean shared() {
            return false;
        }
    }

    /** Shared anonymous memory ({@code memory-backend-memfd}). */
    record Memfd() implements MemoryBackend {
        @Override
        public boolean shared() {
            return true;
        }
    }

    /**
     * Shared memory in a hugetlbfs mount.
     *
     * @param mountPath the hugetlbfs mount point
     * @param pageSize the page size of that mount
     */
    record HugepageFile(Path mountPath, HugepageSize pageSize) implements MemoryBackend {
        /**
         * Checks the components.
         *
         * @param mountPath the hugetlbfs mount point
         * @param pageSize the page size of that mount
         * @throws NullPointerException if a component is {@code null}
         */
        public HugepageFile {
            Objects.requireNonNull(mountPath, "mountPath");
            Objects.requireNonNull(pageSize, "pageSize");
        }

        @Override
        public boolean shared() {
            return true;
        }
    }

    /**
     * A regular file as guest RAM; {@code share} is QEMU's {@code share=on|off}.
     *
     * @param path the file
     * @param share {@code true} to map it shared (writes reach the file), {@code false} for copy-on-write
     */
    record RamFile(Path path, boolean share) implements MemoryBackend {
        /**
         * Checks the components.
         *
         * @param path the file
         * @param share {@code true} to map it shared (writes reach the file), {@code false} for copy-on-write
         * @throws NullPointerException if {@code path} is {@code null}
         */
        public RamFile {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public boolean shared() {
            return share;
        }
    }
}
