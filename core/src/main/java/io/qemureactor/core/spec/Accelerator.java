package io.qemureactor.core.spec;

/**
 * How QEMU runs guest code. A spec may say {@link #AUTO}; the launch pipeline resolves it to
 * {@link #KVM} or {@link #TCG} (a present but broken KVM must fall back to TCG), and only a
 * resolved accelerator can be rendered into a command line.
 */
public enum Accelerator {
    /** KVM where it really runs a guest, TCG otherwise; decided by the launch pipeline. */
    AUTO,
    /** Hardware virtualization through {@code /dev/kvm}. */
    KVM,
    /** QEMU's software emulation: slow, works everywhere. */
    TCG;

    /** {@return true for KVM and TCG, the values QEMU's {@code accel=} takes} */
    public boolean isResolved() {
        return this != AUTO;
    }

    /**
     * {@return the value of {@code -machine ...,accel=}: {@code kvm} or {@code tcg}}
     *
     * @throws IllegalStateException for {@link #AUTO}, which QEMU does not know
     */
    public String qemuName() {
        if (!isResolved()) {
            throw new IllegalStateException("accelerator AUTO must be resolved to KVM or TCG before rendering");
        }
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The CPU model used when the spec names none: {@code host} under KVM (the seed's choice), {@code max}
     * under TCG, where {@code host} does not exist and {@code max} enables every feature TCG emulates.
     *
     * @return the {@code -cpu} value
     * @throws IllegalStateException for {@link #AUTO}
     */
    public String defaultCpuModel() {
        return switch (this) {
            case KVM -> "host";
            case TCG -> "max";
            case AUTO -> throw new IllegalStateException("accelerator AUTO has no CPU model until it is resolved");
        };
    }
}
