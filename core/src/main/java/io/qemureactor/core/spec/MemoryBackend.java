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

    /** Whether other processes (a vhost-user back-end) can map this memory. */
    boolean shared();

    /** Anonymous private RAM ({@code memory-backend-ram}): fine unless a vhost-user NIC is attached. */
    static Plain plain() {
        return new Plain();
    }

    /** Shared anonymous memory ({@code memory-backend-memfd}): needs no hugetlbfs mount, so tests use it. */
    static Memfd memfd() {
        return new Memfd();
    }

    /** Shared memory in a hugetlbfs mount ({@code memory-backend-file}), the seed's {@code /dev/hugepages}. */
    static HugepageFile hugepages(Path mountPath, HugepageSize pageSize) {
        return new HugepageFile(mountPath, pageSize);
    }

    /** The seed's backend: {@code /dev/hugepages} with 2 MiB pages. */
    static HugepageFile defaultHugepages() {
        return new HugepageFile(Path.of("/dev/hugepages"), HugepageSize.SIZE_2M);
    }

    /**
     * Guest RAM in a regular file ({@code memory-backend-file}), for VM templates: the template maps
     * it shared ({@code share=on}: the guest's writes land in the file), each clone maps the same file
     * privately ({@code share=off}: copy-on-write, clones share the pages they have not written).
     */
    static RamFile ramFile(Path path, boolean share) {
        return new RamFile(path, share);
    }

    record Plain() implements MemoryBackend {
        @Override
        public boolean shared() {
            return false;
        }
    }

    record Memfd() implements MemoryBackend {
        @Override
        public boolean shared() {
            return true;
        }
    }

    record HugepageFile(Path mountPath, HugepageSize pageSize) implements MemoryBackend {
        public HugepageFile {
            Objects.requireNonNull(mountPath, "mountPath");
            Objects.requireNonNull(pageSize, "pageSize");
        }

        @Override
        public boolean shared() {
            return true;
        }
    }

    /** A regular file as guest RAM; {@code share} is QEMU's {@code share=on|off}. */
    record RamFile(Path path, boolean share) implements MemoryBackend {
        public RamFile {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public boolean shared() {
            return share;
        }
    }
}
