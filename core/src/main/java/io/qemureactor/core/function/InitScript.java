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

    /**
     * A new builder; set at least {@link Builder#functionName} and {@link Builder#command}.
     *
     * @return an empty builder with the defaults (console {@code ttyS0}, 2M huge pages, vfio-pci)
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The console line the script prints just before it runs the function (followed by the argv):
     * a generic readiness signal for a function that prints nothing of its own.
     *
     * @param functionName the name given to {@link Builder#functionName}
     * @return {@code qemu-reactor-init: starting NAME:}
     */
    public static String startingLine(String functionName) {
        return "qemu-reactor-init: starting " + functionName + ":";
    }

    /**
     * The function's argv as given to {@link Builder#command}, unquoted.
     *
     * @return an unmodifiable list; {@code argv[0]} is an absolute path
     */
    public List<String> command() {
        return command;
    }

    /**
     * The NICs the script binds, in order.
     *
     * @return an unmodifiable list, possibly empty
     */
    public List<PciAddress> nics() {
        return nics;
    }

    /**
     * Renders the script; every value is shell-quoted.
     *
     * @return the script text (a POSIX shell script)
     */
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

    /** {@return the script text, as {@link #render()}} */
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

        /**
         * Which driver the NICs go to (default: vfio-pci, as the seed).
         *
         * @param value the binding, e.g. {@link NicBinding#uioPciGeneric}
         * @return this builder
         * @throws NullPointerException if {@code value} is null
         */
        public Builder nicBinding(NicBinding value) {
            this.binding = Objects.requireNonNull(value, "nicBinding");
            return this;
        }

        /**
         * A short label for console lines. Required.
         *
         * @param name 1 to 64 of {@code A-Z a-z 0-9 . _ -}
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code functionName} if it has another shape
         */
        public Builder functionName(String name) {
            Objects.requireNonNull(name, "functionName");
            if (!NAME.matcher(name).matches()) {
                throw new InvalidFunctionConfigException("functionName", "'" + PciAddress.printable(name)
                        + "' must be 1-64 of A-Z a-z 0-9 . _ -");
            }
            this.functionName = name;
            return this;
        }

        /**
         * Adds a NIC to hand to the {@link #nicBinding driver}, after those already added. A NIC absent in
         * the guest is skipped at run time with a console line.
         *
         * @param address the NIC's PCI address in the guest
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code nics[i]} if the address is already listed
         */
        public Builder nic(PciAddress address) {
            Objects.requireNonNull(address, "nics[" + nics.size() + "]");
            if (nics.contains(address)) {
                throw new InvalidFunctionConfigException("nics[" + nics.size() + "]", address + " is listed twice");
            }
            nics.add(address);
            return this;
        }

        /**
         * Adds NICs as {@link #nic} does, in list order.
         *
         * @param addresses the NICs' PCI addresses in the guest
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code nics[i]} for a duplicate
         */
        public Builder nics(List<PciAddress> addresses) {
            addresses.forEach(this::nic);
            return this;
        }

        /**
         * Adds a folder the function needs at run time (VPP: {@code /run/vpp}), which the script creates
         * on the guest's tmpfs.
         *
         * @param folder an absolute path in the guest
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code runtimeFolders[i]} if it is not absolute or
         *     contains a line break
         */
        public Builder runtimeFolder(Path folder) {
            runtimeFolders.add(Checks.absolutePath("runtimeFolders[" + runtimeFolders.size() + "]", folder));
            return this;
        }

        /**
         * Adds folders as {@link #runtimeFolder} does, in list order.
         *
         * @param folders absolute paths in the guest
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code runtimeFolders[i]} for a bad path
         */
        public Builder runtimeFolders(List<Path> folders) {
            folders.forEach(this::runtimeFolder);
            return this;
        }

        /**
         * The function's argv, run by the script as the last step before {@code poweroff -f}. Required.
         *
         * @param argv the program and its arguments; {@code argv[0]} an absolute path (PATH in the guest is
         *     not the caller's); no element may contain CR, LF or NUL (each is shell-quoted)
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code command} if empty, {@code command[i]} for a
         *     line break, or {@code command[0]} if not absolute
         */
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

        /**
         * The serial console device the script writes to.
         *
         * @param device its name under {@code /dev}: {@code ttyS0} (x86, default) or {@code ttyAMA0} (aarch64)
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code console} unless 1 to 32 letters or digits
         */
        public Builder console(String device) {
            Objects.requireNonNull(device, "console");
            if (!CONSOLE.matcher(device).matches()) {
                throw new InvalidFunctionConfigException("console", "'" + PciAddress.printable(device)
                        + "' must be a device name under /dev like ttyS0");
            }
            this.console = device;
            return this;
        }

        /**
         * The page size of the guest's hugetlbfs mount on {@code /dev/hugepages} (default 2M, as the seed).
         *
         * @param size the page size
         * @return this builder
         */
        public Builder hugepageSize(HugepageSize size) {
            this.hugepageSize = Objects.requireNonNull(size, "hugepageSize");
            return this;
        }

        /**
         * The script.
         *
         * @return an immutable script
         * @throws InvalidFunctionConfigException naming {@code functionName} or {@code command} if not set
         */
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
