package io.qemureactor.core.function;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * VPP's startup configuration ({@code vpp -c FILE}), limited to the stanzas the seed's kernel VM uses:
 * {@code unix} (nodaemon, cli-listen, exec), {@code socksvr}, {@code cpu} (main-core,
 * corelist-workers), {@code dpdk} (devices, default rx queues, log-level, no-multi-seg,
 * no-tx-checksum-offload) and {@code plugins}.
 *
 * <p>{@link #render()} writes the text CSIT's {@code VppConfigGenerator} wrote for the same calls
 * (stanza name on its own line, braces on their own lines, two spaces per level, stanzas and items in
 * the seed's order) except that it leaves no trailing blanks: the generator printed
 * {@code "key " + value} even for empty values, e.g. {@code "  nodaemon "}. VPP ignores both.
 * {@link #forKernelVm} is the seed's {@code create_kernelvm_config_vpp}.
 */
public final class VppStartupConfig {

    /** Where the seed's VPP listened for CLI connections (VppConfigGenerator's default). */
    public static final String DEFAULT_CLI_LISTEN = "/run/vpp/cli.sock";
    /** Where the seed's VPP served its binary API (CSIT's {@code Constants.SOCKSVR_PATH}). */
    public static final String DEFAULT_SOCKSVR = "/run/vpp/api.sock";

    private static final Pattern PLUGIN = Pattern.compile("[A-Za-z0-9_.-]+");

    /** A plugin's state in the {@code plugins} stanza. */
    public enum PluginState {
        /** {@code enable}. */
        ENABLE,
        /** {@code disable}. */
        DISABLE;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final boolean unixNodaemon;
    private final Optional<String> unixCliListen;
    private final Optional<Path> unixExec;
    private final Optional<String> socksvrSocketName;
    private final OptionalInt cpuMainCore;
    private final Optional<String> cpuCorelistWorkers;
    private final List<PciAddress> dpdkDevs;
    private final OptionalInt dpdkDefaultRxQueues;
    private final Optional<String> dpdkLogLevel;
    private final boolean dpdkNoMultiSeg;
    private final boolean dpdkNoTxChecksumOffload;
    private final Map<String, PluginState> plugins;

    private VppStartupConfig(Builder b) {
        this.unixNodaemon = b.unixNodaemon;
        this.unixCliListen = b.unixCliListen;
        this.unixExec = b.unixExec;
        this.socksvrSocketName = b.socksvrSocketName;
        this.cpuMainCore = b.cpuMainCore;
        this.cpuCorelistWorkers = b.cpuCorelistWorkers;
        this.dpdkDevs = List.copyOf(b.dpdkDevs);
        this.dpdkDefaultRxQueues = b.dpdkDefaultRxQueues;
        this.dpdkLogLevel = b.dpdkLogLevel;
        this.dpdkNoMultiSeg = b.dpdkNoMultiSeg;
        this.dpdkNoTxChecksumOffload = b.dpdkNoTxChecksumOffload;
        this.plugins = new LinkedHashMap<>(b.plugins);
    }

    /**
     * A new builder with nothing set: {@link Builder#build} of it renders an empty text.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The seed's kernel-VM VPP: runs in the foreground, CLI and API sockets in {@code /run/vpp}, executes
     * {@code runningConfig} once up, main thread on core 0 and one worker per further vCPU
     * ({@code corelist-workers 1-(smp-1)}, none when {@code smp} is 1), DPDK on {@code nics} with
     * {@code queues} rx queues each and debug logging, single-segment buffers and no tx checksum offload
     * unless {@code jumboFrames}, every plugin off but DPDK's.
     *
     * @param smp           the guest's vCPUs; at least 1
     * @param queues        rx queues per device; at least 1
     * @param jumboFrames   keep multi-segment buffers and tx checksum offload (for frames larger than one buffer)
     * @param nics          the devices of the {@code dpdk} stanza; no duplicates
     * @param runningConfig absolute guest path of the running configuration ({@code unix exec}); one word
     * @return the configuration
     * @throws InvalidFunctionConfigException naming the setting at fault, e.g. {@code smp},
     *     {@code unix.exec}, {@code dpdk.dev}, {@code dpdk.num-rx-queues}
     */
    public static VppStartupConfig forKernelVm(int smp, int queues, boolean jumboFrames, List<PciAddress> nics,
            Path runningConfig) {
        Checks.atLeast("smp", smp, 1);
        Builder b = builder()
                .unixNodaemon()
                .unixCliListen(DEFAULT_CLI_LISTEN)
                .unixExec(runningConfig)
                .socksvr(DEFAULT_SOCKSVR)
                .cpuMainCore(0);
        if (smp > 1) {
            b.cpuCorelistWorkers("1-" + (smp - 1));
        }
        b.dpdkDevs(nics).dpdkDefaultRxQueues(queues).dpdkLogLevel("debug");
        if (!jumboFrames) {
            b.dpdkNoMultiSeg().dpdkNoTxChecksumOffload();
        }
        return b.plugin(PluginState.DISABLE, "default").plugin(PluginState.ENABLE, "dpdk_plugin.so").build();
    }

    /**
     * The devices of the {@code dpdk} stanza.
     *
     * @return an unmodifiable list, in the order added
     */
    public List<PciAddress> dpdkDevs() {
        return dpdkDevs;
    }

    /**
     * The running-configuration script of {@code unix { exec ... }}.
     *
     * @return its path, or empty if not set
     */
    public Optional<Path> unixExec() {
        return unixExec;
    }

    /**
     * Renders the configuration; stanzas without settings are left out.
     *
     * @return the text in VPP's startup syntax, ending with a newline (empty if nothing is set)
     */
    public String render() {
        Stanzas out = new Stanzas();
        List<String> unix = new ArrayList<>();
        if (unixNodaemon) {
            unix.add("nodaemon");
        }
        unixCliListen.ifPresent(v -> unix.add("cli-listen " + v));
        unixExec.ifPresent(v -> unix.add("exec " + v));
        out.stanza(0, "unix", unix);
        out.stanza(0, "socksvr", socksvrSocketName.map(v -> List.of("socket-name " + v)).orElse(List.of()));
        List<String> cpu = new ArrayList<>();
        cpuMainCore.ifPresent(v -> cpu.add("main-core " + v));
        cpuCorelistWorkers.ifPresent(v -> cpu.add("corelist-workers " + v));
        out.stanza(0, "cpu", cpu);
        renderDpdk(out);
        if (!plugins.isEmpty()) {
            out.open(0, "plugins");
            plugins.forEach((plugin, state) -> out.stanza(1, "plugin " + plugin, List.of(state.word())));
            out.close(0);
        }
        return out.toString();
    }

    private void renderDpdk(Stanzas out) {
        boolean any = !dpdkDevs.isEmpty() || dpdkDefaultRxQueues.isPresent() || dpdkLogLevel.isPresent()
                || dpdkNoMultiSeg || dpdkNoTxChecksumOffload;
        if (!any) {
            return;
        }
        out.open(0, "dpdk");
        dpdkDevs.forEach(dev -> out.line(1, "dev " + dev));
        dpdkDefaultRxQueues.ifPresent(q -> out.stanza(1, "dev default", List.of("num-rx-queues " + q)));
        dpdkLogLevel.ifPresent(level -> out.line(1, "log-level " + level));
        if (dpdkNoMultiSeg) {
            out.line(1, "no-multi-seg");
        }
        if (dpdkNoTxChecksumOffload) {
            out.line(1, "no-tx-checksum-offload");
        }
        out.close(0);
    }

    /** {@return the configuration text, as {@link #render()}} */
    @Override
    public String toString() {
        return render();
    }

    /** VppConfigGenerator's layout: name, then "{", items indented by two more spaces, "}". */
    private static final class Stanzas {
        private final StringBuilder sb = new StringBuilder();

        void line(int level, String text) {
            sb.append("  ".repeat(level)).append(text).append('\n');
        }

        void open(int level, String name) {
            line(level, name);
            line(level, "{");
        }

        void close(int level) {
            line(level, "}");
        }

        void stanza(int level, String name, List<String> items) {
            if (items.isEmpty()) {
                return;
            }
            open(level, name);
            items.forEach(item -> line(level + 1, item));
            close(level);
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }

    /** Collects the settings; each setter validates its value and names it when rejecting it. */
    public static final class Builder {
        private boolean unixNodaemon;
        private Optional<String> unixCliListen = Optional.empty();
        private Optional<Path> unixExec = Optional.empty();
        private Optional<String> socksvrSocketName = Optional.empty();
        private OptionalInt cpuMainCore = OptionalInt.empty();
        private Optional<String> cpuCorelistWorkers = Optional.empty();
        private final List<PciAddress> dpdkDevs = new ArrayList<>();
        private OptionalInt dpdkDefaultRxQueues = OptionalInt.empty();
        private Optional<String> dpdkLogLevel = Optional.empty();
        private boolean dpdkNoMultiSeg;
        private boolean dpdkNoTxChecksumOffload;
        private final Map<String, PluginState> plugins = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * {@code unix { nodaemon }}: stay in the foreground (VPP is the init script's child and its exit powers the VM off).
         *
         * @return this builder
         */
        public Builder unixNodaemon() {
            this.unixNodaemon = true;
            return this;
        }

        /**
         * {@code unix { cli-listen ... }}: where {@code vppctl} connects.
         *
         * @param address a unix socket path or {@code host:port}; one word
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code unix.cli-listen} if null or not one word
         */
        public Builder unixCliListen(String address) {
            this.unixCliListen = Optional.of(Checks.token("unix.cli-listen", address));
            return this;
        }

        /**
         * {@code unix { exec ... }}: a CLI script VPP runs once it is up (the "running" configuration).
         *
         * @param script its absolute guest path; one word
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code unix.exec} if not absolute or not one word
         */
        public Builder unixExec(Path script) {
            Path p = Checks.absolutePath("unix.exec", script);
            Checks.token("unix.exec", p.toString());
            this.unixExec = Optional.of(p);
            return this;
        }

        /**
         * The binary API socket ({@code socksvr { socket-name ... }}).
         *
         * @param socketName the socket's path; one word
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code socksvr.socket-name} if null or not one word
         */
        public Builder socksvr(String socketName) {
            this.socksvrSocketName = Optional.of(Checks.token("socksvr.socket-name", socketName));
            return this;
        }

        /**
         * {@code cpu { main-core N }}: the core of VPP's main thread.
         *
         * @param core the core number; not negative
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code cpu.main-core} if negative
         */
        public Builder cpuMainCore(int core) {
            this.cpuMainCore = OptionalInt.of(Checks.atLeast("cpu.main-core", core, 0));
            return this;
        }

        /**
         * {@code cpu { corelist-workers ... }}: the worker threads' cores.
         *
         * @param corelist a DPDK core list, e.g. {@code 1-3} or {@code 1,3-4}
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code cpu.corelist-workers} for another shape
         * @throws NullPointerException if {@code corelist} is null
         */
        public Builder cpuCorelistWorkers(String corelist) {
            this.cpuCorelistWorkers = Optional.of(Checks.corelist("cpu.corelist-workers", corelist, "1-3 or 1,3-4"));
            return this;
        }

        /**
         * Adds a {@code dpdk { dev ... }} device, after those already added.
         *
         * @param device the device's guest PCI address
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code dpdk.dev} if already added
         * @throws NullPointerException if {@code device} is null
         */
        public Builder dpdkDev(PciAddress device) {
            Objects.requireNonNull(device, "dpdk.dev");
            if (dpdkDevs.contains(device)) {
                throw new InvalidFunctionConfigException("dpdk.dev", device + " is listed twice");
            }
            dpdkDevs.add(device);
            return this;
        }

        /**
         * Adds devices as {@link #dpdkDev} does, in list order.
         *
         * @param devices the devices' guest PCI addresses
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code dpdk.dev} for a duplicate
         */
        public Builder dpdkDevs(List<PciAddress> devices) {
            devices.forEach(this::dpdkDev);
            return this;
        }

        /**
         * {@code dev default { num-rx-queues N }}: rx queues of every device.
         *
         * @param queues at least 1
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code dpdk.num-rx-queues} if below 1
         */
        public Builder dpdkDefaultRxQueues(int queues) {
            this.dpdkDefaultRxQueues = OptionalInt.of(Checks.atLeast("dpdk.num-rx-queues", queues, 1));
            return this;
        }

        /**
         * {@code dpdk { log-level ... }}: DPDK's log level.
         *
         * @param level e.g. {@code debug}; one word
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code dpdk.log-level} if null or not one word
         */
        public Builder dpdkLogLevel(String level) {
            this.dpdkLogLevel = Optional.of(Checks.token("dpdk.log-level", level));
            return this;
        }

        /**
         * {@code dpdk { no-multi-seg }}: single-segment buffers, faster, but no frames larger than one buffer (so not with jumbo frames).
         *
         * @return this builder
         */
        public Builder dpdkNoMultiSeg() {
            this.dpdkNoMultiSeg = true;
            return this;
        }

        /**
         * {@code dpdk { no-tx-checksum-offload }}: the NICs do not compute tx checksums (the seed's setting without jumbo frames).
         *
         * @return this builder
         */
        public Builder dpdkNoTxChecksumOffload() {
            this.dpdkNoTxChecksumOffload = true;
            return this;
        }

        /**
         * Adds {@code plugin NAME { enable|disable }} to the {@code plugins} stanza, in call order (a second call for the same plugin changes its state, not its place).
         *
         * @param state enable or disable
         * @param plugin a plugin file name like {@code dpdk_plugin.so}, or {@code default} for all plugins
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code plugins.plugin} for another shape
         * @throws NullPointerException if an argument is null
         */
        public Builder plugin(PluginState state, String plugin) {
            Objects.requireNonNull(state, "plugins.state");
            Objects.requireNonNull(plugin, "plugins.plugin");
            if (!PLUGIN.matcher(plugin).matches()) {
                throw new InvalidFunctionConfigException("plugins.plugin", "'" + PciAddress.printable(plugin)
                        + "' is not a plugin file name like dpdk_plugin.so (or default)");
            }
            plugins.put(plugin, state);
            return this;
        }

        /**
         * The configuration.
         *
         * @return an immutable configuration
         */
        public VppStartupConfig build() {
            return new VppStartupConfig(this);
        }
    }
}
