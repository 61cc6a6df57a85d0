package io.qemureactor.core.spec;

/**
 * The guest architecture. It decides the emulator binary, the machine type and the serial
 * console device the guest kernel sees, which are the seed's only per-architecture differences.
 */
public enum Arch {
    /** PC machine; console on the first ISA UART (ttyS0); PCI slots 0 and 1 belong to the chipset. */
    X86_64("qemu-system-x86_64", "pc", "", "ttyS0", 2, true),
    /** virt machine with a GICv3 (as the seed); console on the PL011 UART (ttyAMA0); no ISA bus. */
    AARCH64("qemu-system-aarch64", "virt", ",gic-version=3", "ttyAMA0", 1, false);

    private final String binary;
    private final String machineType;
    private final String machineSuffix;
    private final String consoleDevice;
    private final int firstFreePciSlot;
    private final boolean isaBus;

    Arch(String binary, String machineType, String machineSuffix, String consoleDevice,
            int firstFreePciSlot, boolean isaBus) {
        this.binary = binary;
        this.machineType = machineType;
        this.machineSuffix = machineSuffix;
        this.consoleDevice = consoleDevice;
        this.firstFreePciSlot = firstFreePciSlot;
        this.isaBus = isaBus;
    }

    /** {@return the emulator program for this architecture, looked up on the PATH, e.g. {@code qemu-system-x86_64}} */
    public String qemuBinary() {
        return binary;
    }

    /** {@return QEMU's machine type: {@code pc} or {@code virt}} */
    public String machineType() {
        return machineType;
    }

    /** {@return machine properties that only this architecture takes, with a leading comma (or empty)} */
    public String machineSuffix() {
        return machineSuffix;
    }

    /** {@return the guest's name for the serial console device, used in {@code console=} on the kernel command line} */
    public String consoleDevice() {
        return consoleDevice;
    }

    /** {@return the lowest PCI slot on the root bus that QEMU hands to a device without {@code addr}} */
    public int firstFreePciSlot() {
        return firstFreePciSlot;
    }

    /** {@return whether the machine has an ISA bus, which {@code isa-serial} (the seed's QGA channel) needs} */
    public boolean hasIsaBus() {
        return isaBus;
    }
}
