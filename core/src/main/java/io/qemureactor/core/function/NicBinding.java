package io.qemureactor.core.function;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Which kernel driver a kernel VM's init script hands the function's NICs to, and which module files it
 * loads first. The seed used vfio-pci, which in a guest without a (virtual) IOMMU works only in vfio's
 * no-IOMMU mode; the test guest's Debian kernel is built without that mode ({@code # CONFIG_VFIO_NOIOMMU is
 * not set}), so DPDK there needs {@code uio_pci_generic} (loaded from the kit, see
 * {@code GuestKit#dpdkModules()}).
 *
 * @param driver  the driver's name in {@code /sys/bus/pci/drivers}
 * @param modules module files the script {@code insmod}s first, in order (may be empty)
 */
public record NicBinding(String driver, List<Path> modules) {

    public NicBinding {
        Objects.requireNonNull(driver, "driver");
        Checks.token("driver", driver);
        modules = List.copyOf(modules);
        for (int i = 0; i < modules.size(); i++) {
            Checks.absolutePath("modules[" + i + "]", modules.get(i));
        }
    }

    /** The seed's: vfio-pci (no-IOMMU mode), loaded with modprobe from the guest's root. */
    public static NicBinding vfioPci() {
        return new NicBinding("vfio-pci", List.of());
    }

    /** uio_pci_generic, after inserting {@code modules} (e.g. the kit's uio.ko and uio_pci_generic.ko). */
    public static NicBinding uioPciGeneric(List<Path> modules) {
        return new NicBinding("uio_pci_generic", modules);
    }

    boolean isVfio() {
        return driver.equals("vfio-pci");
    }
}
