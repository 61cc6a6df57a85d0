package io.qemureactor.core.function;

import io.qemureactor.core.host.ShellQuoting;
import io.qemureactor.core.spec.HugepageSize;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The kernel VM's init script (the guest kernel's {@code init=}), rendered from the shipped template
 * {@code templates/init.sh}: mounts (proc, sysfs, devtmpfs when missing; devpts, tmpfs on {@code /run} and
 * {@code /tmp}, hugetlbfs on {@code /dev/hugepages}), binds each of the function's NICs to vfio-pci by PCI
 * address (skipping, with a console line, a NIC that is absent), creates the function's runtime folders,
 * runs the function with its output on the serial console, then {@code poweroff -f}.
 *
 * <p>Every value is validated here and shell-quoted ({@link ShellQuoting#quote}) before it enters the
 * script: the seed pasted {@code vnf_bin} into its template and the whole script into
 * {@code echo '...' | sudo tee}, so a quote in any value broke, or rewrote, the script.
 */
public final class InitScript {

    /** The template's file name under {@code io/qemureactor/core/function/templates/}. */
    public static final String TEMPLATE = "init.sh";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern CONSOLE = Pattern.compile("[A-Za-z0-9]{1,32}");

    private final String functionName;
    private final List<PciAddress> nics;
    private final List<Path> runtimeFolders;
    private final List<String> command;
    private final String console;
    private final HugepageSize hugepageSize;
    private final NicBinding binding;

    private InitScript(Builder b) {
        this.functionName = b.functionName;
        this.nics = List.copyOf(b.nics);
        this.runtimeFolders = List.copyOf(b.runtimeFolders);
        this.command = List.copyOf(b.command);
        this.console = b.console;
        this.hugepageSize = b.hugepageSize;
        this.binding = b.binding;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The console line the script prints just before it runs the function (followed by the argv):
     * a generic readiness signal for a function that prints nothing of its own.
     */
    public static String startingLine(String functionName) {
        return "qemu-reactor-init: starting " + functionName + ":";
    }

    public List<String> command() {
        return command;
    }

    public List<PciAddress> nics() {
        return nics;
    }

    /** The script text. */
    public String render() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("function", ShellQuoting.quote(functionName));
        values.put("console", ShellQuoting.quote(console));
        values.put("hugepage_size", ShellQuoting.quote(hugepageSize.toString()));
        values.put("bind_nics", nics.isEmpty() ? "# no NICs to bind"
                : binding.isVfio() ? nics.stream().map(n -> "qr_bind_vfio " + ShellQuoting.quote(n.value()))
                        .collect(Collectors.joining("\n"))
                : bindTo(binding, nics));
        values.put("runtime_folders", runtimeFolders.isEmpty() ? "# no runtime folders"
                : runtimeFolders.stream().map(p -> "qr_runtime_folder " + ShellQuoting.quote(p.toString()))
                        .collect(Collectors.joining("\n")));
        values.put("command", ShellQuoting.join(command));
        return Template.SCRIPT.render(values);
    }

    /**
     * The lines that hand {@code nics} to a driver other than vfio-pci: insert its modules (a module already
     * loaded or built in fails quietly), then per NIC unbind, {@code driver_override}, re-probe, and say on
     * the console where it went. Self-contained, so the template (and the seed's vfio path) stays as it is.
     */
    private static String bindTo(NicBinding binding, List<PciAddress> nics) {
        String driver = ShellQuoting.quote(binding.driver());
        StringBuilder b = new StringBuilder("# the NICs go to ").append(binding.driver()).append('\n');
        for (Path module : binding.modules()) {
            b.append("insmod ").append(ShellQuoting.quote(module.toString())).append(" 2>/dev/null\n");
        }
        b.append("qr_bind_driver() {\n")
                .append("    qr_dev=/sys/bus/pci/devices/$1\n")
                .append("    [ -e \"$qr_dev\" ] || { qr_log \"NIC $1 is absent: not bound to $2\"; return 0; }\n")
                .append("    [ -e \"$qr_dev/driver\" ] && echo \"$1\" >\"$qr_dev/driver/unbind\"\n")
                .append("    echo \"$2\" >\"$qr_dev/driver_override\"\n")
                .append("    echo \"$1\" >/sys/bus/pci/drivers_probe 2>/dev/null\n")
                .append("    case $(readlink \"$qr_dev/driver\" 2>/dev/null) in\n")
                .append("        */\"$2\") qr_log \"NIC $1 bound to $2\" ;;\n")
                .append("        *) qr_log \"NIC $1 is not bound to $2\" ;;\n")
                .append("    esac\n")
                .append("}\n");
        b.append(nics.stream().map(n -> "qr_bind_driver " + ShellQuoting.quote(n.value()) + " " + driver)
                .collect(Collectors.joining("\n")));
        return b.toString();
    }

    @Override
    public String toString() {
        return render();
    }

    /** The script template, read and parsed once, on first use (TextTemplate is immutable). */
    private static final class Template {
        static final TextTemplate SCRIPT = TextTemplate.resource(TEMPLATE);
    }

    /** Collects and validates the script's parameters; {@link #build()} requires a name and a command. */
    public static final class Builder {
        private String functionName;
        private final List<PciAddress> nics = new ArrayList<>();
        private final List<Path> runtimeFolders = new ArrayList<>();
        private List<String> command;
        private String console = "ttyS0";
        private HugepageSize hugepageSize = HugepageSize.SIZE_2M;
        private NicBinding binding = NicBinding.vfioPci();

        private Builder() {
        }

        /** Which driver the NICs go to (default: vfio-pci, as the seed). */
        public Builder nicBinding(NicBinding value) {
            this.binding = Objects.requireNonNull(value, "nicBinding");
            return this;
        }

        /** A short label for console lines, {@code [A-Za-z0-9._-]{1,64}}. */
        public Builder functionName(String name) {
            Objects.requireNonNull(name, "functionName");
            if (!NAME.matcher(name).matches()) {
                throw new InvalidFunctionConfigException("functionName", "'" + PciAddress.printable(name)
                        + "' must be 1-64 of A-Z a-z 0-9 . _ -");
            }
            this.functionName = name;
            return this;
        }

        /** A NIC to hand to vfio-pci, in order. */
        public Builder nic(PciAddress address) {
            Objects.requireNonNull(address, "nics[" + nics.size() + "]");
            if (nics.contains(address)) {
                throw new InvalidFunctionConfigException("nics[" + nics.size() + "]", address + " is listed twice");
            }
            nics.add(address);
            return this;
        }

        public Builder nics(List<PciAddress> addresses) {
            addresses.forEach(this::nic);
            return this;
        }

        /** A folder the function needs at run time (VPP: {@code /run/vpp}); created on the guest's tmpfs. */
        public Builder runtimeFolder(Path folder) {
            runtimeFolders.add(Checks.absolutePath("runtimeFolders[" + runtimeFolders.size() + "]", folder));
            return this;
        }

        public Builder runtimeFolders(List<Path> folders) {
            folders.forEach(this::runtimeFolder);
            return this;
        }

        /** The function's argv; {@code argv[0]} an absolute path (PATH in the guest is not the caller's). */
        public Builder command(List<String> argv) {
            Objects.requireNonNull(argv, "command");
            if (argv.isEmpty()) {
                throw new InvalidFunctionConfigException("command", "must name a program");
            }
            for (int i = 0; i < argv.size(); i++) {
                Checks.noLineBreaks("command[" + i + "]", argv.get(i));
            }
            Checks.absolutePath("command[0]", Path.of(argv.get(0)));
            this.command = List.copyOf(argv);
            return this;
        }

        /** The serial console device under {@code /dev}: {@code ttyS0} (x86, default) or {@code ttyAMA0} (aarch64). */
        public Builder console(String device) {
            Objects.requireNonNull(device, "console");
            if (!CONSOLE.matcher(device).matches()) {
                throw new InvalidFunctionConfigException("console", "'" + PciAddress.printable(device)
                        + "' must be a device name under /dev like ttyS0");
            }
            this.console = device;
            return this;
        }

        /** The page size of the guest's hugetlbfs mount (default 2M, as the seed). */
        public Builder hugepageSize(HugepageSize size) {
            this.hugepageSize = Objects.requireNonNull(size, "hugepageSize");
            return this;
        }

        public InitScript build() {
            if (functionName == null) {
                throw new InvalidFunctionConfigException("functionName", "is required");
            }
            if (command == null) {
                throw new InvalidFunctionConfigException("command", "is required");
            }
            return new InitScript(this);
        }
    }
}
