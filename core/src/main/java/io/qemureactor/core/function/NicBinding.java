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

    /**
     * Checks the components and copies {@code modules}.
     *
     * @param driver  the driver's name in {@code /sys/bus/pci/drivers}; one word
     * @param modules absolute guest paths of module files to {@code insmod} first, in order (may be empty)
     * @throws InvalidFunctionConfigException naming {@code driver} if it is not one word, or
     *     {@code modules[i]} if a module path is not absolute or contains a line break
     * @throws NullPointerException if {@code driver} or {@code modules} is null
     */
    public NicBinding {
        Objects.requireNonNull(driver, "driver");
        Checks.token("driver", driver);
        modules = List.copyOf(modules);
        for (int i = 0; i < modules.size(); i++) {
            Checks.absolutePath("modules[" + i + "]", modules.get(i));
        }
    }

    /**
     * The seed's binding and the default: vfio-pci, in no-IOMMU mode, loaded with modprobe from the
     * guest's root. Does not work in a guest kernel built without {@code CONFIG_VFIO_NOIOMMU}.
     *
     * @return a binding to {@code vfio-pci} with no module files
     */
    public static NicBinding vfioPci() {
        return new NicBinding("vfio-pci", List.of());
    }

    /**
     * uio_pci_generic, after inserting {@code modules}.
     *
     * @param modules absolute paths inside the guest of the module files to {@code insmod} first, in order,
     *     e.g. the kit's {@code uio.ko} then {@code uio_pci_generic.ko}; may be empty if built in
     * @return a binding to {@code uio_pci_generic}
     * @throws InvalidFunctionConfigException naming {@code modules[i]} if a path is not absolute
     */
    public static NicBinding uioPciGeneric(List<Path> modules) {
        return new NicBinding("uio_pci_generic", modules);
    }

    boolean isVfio() {
        return driver.equals("vfio-pci");
    }
}
