package io.qemureactor.core.function;

import io.qemureactor.core.spec.MacAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * DPDK testpmd's argv: EAL options, {@code --}, application options, in the order and spelling of CSIT's
 * {@code DpdkUtil.get_testpmd_cmdline} that the seed called ({@code -v -l CORES --main-lcore 0
 * [-d DRIVER] [--in-memory] -- --forward-mode=M --burst=64 --txd=1024 --rxd=1024 --txq=Q --rxq=Q
 * --tx-offloads=X --total-num-mbufs=N [--disable-hw-vlan] [--eth-peer=P,MAC]... [--max-pkt-len=L]
 * --nb-cores=C [--auto-start]}). A list, never a shell string: the init script quotes each element.
 *
 * <p>Without {@code -i} testpmd forwards at once, prints "Press enter to exit" and waits on stdin; that
 * line is its readiness signal. {@link #kernelVmIo} and {@link #kernelVmMac} are the seed's
 * {@code create_kernelvm_config_testpmd_io/_mac}.
 */
public final class TestpmdCommandLine {

    /** Where Debian's {@code dpdk} package installs testpmd (the guest runs the host's binaries). */
    public static final Path DEFAULT_BINARY = Path.of("/usr/bin/dpdk-testpmd");


    /** testpmd's packet forwarding modes the seed used. */
    public enum ForwardMode {
        /** Forward as received, no header change. */
        IO,
        /** Rewrite the source MAC to the port's and the destination to the peer's ({@code --eth-peer}). */
        MAC;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final List<String> argv;

    private TestpmdCommandLine(List<String> argv) {
        this.argv = List.copyOf(argv);
    }

    /**
     * A new builder with DpdkUtil's defaults; {@link Builder#corelist} and {@link Builder#nbCores} are required.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The seed's testpmd-io: all {@code smp} vCPUs as lcores, core 0 the main one and the other
     * {@code smp - 1} forwarding; in-memory (no hugepage files), no extra PMD driver, 16384 mbufs,
     * {@code queues} rx and tx queues, tx offloads off, hardware VLAN left alone.
     *
     * @param smp    the guest's vCPUs; at least 2
     * @param queues rx and tx queues per port; at least 1
     * @return the command line, binary {@link #DEFAULT_BINARY}
     * @throws InvalidFunctionConfigException naming {@code smp} if it is below 2: testpmd needs a forwarding
     *     core besides the main one (the seed would have passed {@code --nb-cores=0}, which testpmd rejects),
     *     or {@code rxq}/{@code txq} if {@code queues} is below 1
     */
    public static TestpmdCommandLine kernelVmIo(int smp, int queues) {
        return seedBase(smp, queues).forwardMode(ForwardMode.IO).build();
    }

    /**
     * The seed's testpmd-mac: as {@link #kernelVmIo}, MAC forwarding towards {@code vif1Mac} and {@code vif2Mac}.
     *
     * @param smp     the guest's vCPUs; at least 2
     * @param queues  rx and tx queues per port; at least 1
     * @param vif1Mac destination MAC of port 0 ({@code --eth-peer=0,MAC})
     * @param vif2Mac destination MAC of port 1 ({@code --eth-peer=1,MAC})
     * @return the command line
     * @throws InvalidFunctionConfigException as {@link #kernelVmIo}
     * @throws NullPointerException if a MAC is null
     */
    public static TestpmdCommandLine kernelVmMac(int smp, int queues, MacAddress vif1Mac, MacAddress vif2Mac) {
        return seedBase(smp, queues).forwardMode(ForwardMode.MAC).ethPeer(0, vif1Mac).ethPeer(1, vif2Mac).build();
    }

    private static Builder seedBase(int smp, int queues) {
        Checks.atLeast("smp", smp, 2);
        return builder()
                .corelist("0-" + (smp - 1))
                .mainLcore(0)
                .inMemory(true)
                .totalNumMbufs(16384)
                .rxq(queues)
                .txq(queues)
                .txOffloads(0)
                .disableHwVlan(false)
                .nbCores(smp - 1);
    }

    /**
     * The argv, one option or value per element, unquoted.
     *
     * @return an unmodifiable list starting with the binary's path
     */
    public List<String> argv() {
        return argv;
    }

    /** {@return the argv joined with spaces, unquoted: for logs, not for a shell} */
    @Override
    public String toString() {
        return String.join(" ", argv);
    }

    /** Collects the options; DpdkUtil's defaults where it had one (io, burst 64, 1024 descriptors, 1 queue). */
    public static final class Builder {
        private Path binary = DEFAULT_BINARY;
        private String corelist;
        private int mainLcore;
        private boolean legacyMasterLcore;
        private Optional<Path> driver = Optional.empty();
        private boolean inMemory;
        private ForwardMode forwardMode = ForwardMode.IO;
        private int burst = 64;
        private int txd = 1024;
        private int rxd = 1024;
        private int txq = 1;
        private int rxq = 1;
        private OptionalInt txOffloads = OptionalInt.empty();
        private OptionalInt totalNumMbufs = OptionalInt.empty();
        private boolean disableHwVlan;
        private final SortedMap<Integer, MacAddress> ethPeers = new TreeMap<>();
        private OptionalInt maxPktLen = OptionalInt.empty();
        private int nbCores;
        private boolean autoStart;

        private Builder() {
        }

        /**
         * testpmd's path in the guest (default {@link #DEFAULT_BINARY}).
         *
         * @param path an absolute path
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code binary} if not absolute
         */
        public Builder binary(Path path) {
            this.binary = Checks.absolutePath("binary", path);
            return this;
        }

        /**
         * EAL {@code -l}: the lcores. Required.
         *
         * @param cores a DPDK core list, e.g. {@code 0-1} or {@code 0,2-3}
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code corelist} for another shape
         * @throws NullPointerException if {@code cores} is null
         */
        public Builder corelist(String cores) {
            this.corelist = Checks.corelist("corelist", cores, "0-1 or 0,2-3");
            return this;
        }

        /**
         * EAL main lcore (default 0), which does not forward.
         *
         * @param core the lcore number; not negative
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code mainLcore} if negative
         */
        public Builder mainLcore(int core) {
            this.mainLcore = Checks.atLeast("mainLcore", core, 0);
            return this;
        }

        /**
         * Spell the main lcore option {@code --master-lcore}, as the seed did, for DPDK before 20.11
         * (newer DPDK renamed it {@code --main-lcore} and later dropped the old name).
         *
         * @param on true for {@code --master-lcore}; default false
         * @return this builder
         */
        public Builder legacyMasterLcore(boolean on) {
            this.legacyMasterLcore = on;
            return this;
        }

        /**
         * EAL {@code -d}: load an external PMD library (default none, as the seed's {@code eal_driver=False}).
         *
         * @param library the library's absolute path in the guest
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code driver} if not absolute
         */
        public Builder driver(Path library) {
            this.driver = Optional.of(Checks.absolutePath("driver", library));
            return this;
        }

        /**
         * EAL {@code --in-memory}: no hugepage or runtime files, so nothing to write on a read-only root.
         *
         * @param on whether to pass it; default false
         * @return this builder
         */
        public Builder inMemory(boolean on) {
            this.inMemory = on;
            return this;
        }

        /**
         * {@code --forward-mode} (default {@link ForwardMode#IO}); {@link ForwardMode#MAC} needs {@link #ethPeer}.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder forwardMode(ForwardMode mode) {
            this.forwardMode = Objects.requireNonNull(mode, "forwardMode");
            return this;
        }

        /**
         * {@code --burst}: packets per receive or send call (default 64).
         *
         * @param packets at least 1
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code burst} if below 1
         */
        public Builder burst(int packets) {
            this.burst = Checks.atLeast("burst", packets, 1);
            return this;
        }

        /**
         * {@code --txd}: descriptors per tx ring (default 1024).
         *
         * @param descriptors at least 1
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code txd} if below 1
         */
        public Builder txd(int descriptors) {
            this.txd = Checks.atLeast("txd", descriptors, 1);
            return this;
        }

        /**
         * {@code --rxd}: descriptors per rx ring (default 1024).
         *
         * @param descriptors at least 1
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code rxd} if below 1
         */
        public Builder rxd(int descriptors) {
            this.rxd = Checks.atLeast("rxd", descriptors, 1);
            return this;
        }

        /**
         * {@code --txq}: tx queues per port (default 1).
         *
         * @param queues at least 1
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code txq} if below 1
         */
        public Builder txq(int queues) {
            this.txq = Checks.atLeast("txq", queues, 1);
            return this;
        }

        /**
         * {@code --rxq}: rx queues per port (default 1).
         *
         * @param queues at least 1
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code rxq} if below 1
         */
        public Builder rxq(int queues) {
            this.rxq = Checks.atLeast("rxq", queues, 1);
            return this;
        }

        /**
         * {@code --tx-offloads=0x...}: the tx offloads to enable (default: option not passed; the seed: 0, none).
         *
         * @param mask the offload bitmask; not negative
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code txOffloads} if negative
         */
        public Builder txOffloads(int mask) {
            this.txOffloads = OptionalInt.of(Checks.atLeast("txOffloads", mask, 0));
            return this;
        }

        /**
         * {@code --total-num-mbufs}: the mbuf pool size (default: option not passed).
         *
         * @param mbufs at least 1
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code totalNumMbufs} if below 1
         */
        public Builder totalNumMbufs(int mbufs) {
            this.totalNumMbufs = OptionalInt.of(Checks.atLeast("totalNumMbufs", mbufs, 1));
            return this;
        }

        /**
         * {@code --disable-hw-vlan}; the seed passed false (DpdkUtil's default was true).
         *
         * @param on whether to pass it; default false
         * @return this builder
         */
        public Builder disableHwVlan(boolean on) {
            this.disableHwVlan = on;
            return this;
        }

        /**
         * {@code --eth-peer=PORT,MAC}: the destination MAC for port {@code port} in MAC forwarding; a second
         * call for the same port replaces the MAC. Emitted in port order.
         *
         * @param port the port number; not negative
         * @param mac  the destination MAC
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code ethPeer.port} if negative
         * @throws NullPointerException if {@code mac} is null
         */
        public Builder ethPeer(int port, MacAddress mac) {
            Checks.atLeast("ethPeer.port", port, 0);
            ethPeers.put(port, Objects.requireNonNull(mac, "ethPeer[" + port + "]"));
            return this;
        }

        /**
         * {@code --max-pkt-len}: the largest frame accepted (default: option not passed).
         *
         * @param bytes at least 64
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code maxPktLen} if below 64
         */
        public Builder maxPktLen(int bytes) {
            this.maxPktLen = OptionalInt.of(Checks.atLeast("maxPktLen", bytes, 64));
            return this;
        }

        /**
         * {@code --nb-cores}: forwarding cores. Required.
         *
         * @param cores at least 1, and fewer than the lcores of {@link #corelist} (checked by {@link #build})
         * @return this builder
         * @throws InvalidFunctionConfigException naming {@code nbCores} if below 1
         */
        public Builder nbCores(int cores) {
            this.nbCores = Checks.atLeast("nbCores", cores, 1);
            return this;
        }

        /**
         * {@code --auto-start}: start forwarding at once in interactive mode (off by default, as in the seed).
         *
         * @param on whether to pass it
         * @return this builder
         */
        public Builder autoStart(boolean on) {
            this.autoStart = on;
            return this;
        }

        /**
         * The command line.
         *
         * @return an immutable command line
         * @throws InvalidFunctionConfigException naming {@code corelist} or {@code nbCores} if not set or if
         *     {@code nbCores} is not below the number of lcores, {@code corelist} for a backwards range, or
         *     {@code ethPeer} for MAC forwarding without peers
         */
        public TestpmdCommandLine build() {
            if (corelist == null) {
                throw new InvalidFunctionConfigException("corelist", "is required (EAL -l)");
            }
            if (nbCores == 0) {
                throw new InvalidFunctionConfigException("nbCores", "is required (forwarding cores)");
            }
            int lcores = countCores(corelist);
            if (nbCores >= lcores) {
                throw new InvalidFunctionConfigException("nbCores", nbCores + " forwarding cores need at least "
                        + (nbCores + 1) + " lcores (one is the main lcore), corelist " + corelist + " has " + lcores);
            }
            if (forwardMode == ForwardMode.MAC && ethPeers.isEmpty()) {
                throw new InvalidFunctionConfigException("ethPeer", "MAC forwarding needs the peers' MACs");
            }
            List<String> argv = new ArrayList<>();
            argv.add(binary.toString());
            argv.add("-v");
            argv.add("-l");
            argv.add(corelist);
            argv.add(legacyMasterLcore ? "--master-lcore" : "--main-lcore");
            argv.add(Integer.toString(mainLcore));
            driver.ifPresent(d -> {
                argv.add("-d");
                argv.add(d.toString());
            });
            if (inMemory) {
                argv.add("--in-memory");
            }
            argv.add("--");
            argv.add("--forward-mode=" + forwardMode.word());
            argv.add("--burst=" + burst);
            argv.add("--txd=" + txd);
            argv.add("--rxd=" + rxd);
            argv.add("--txq=" + txq);
            argv.add("--rxq=" + rxq);
            txOffloads.ifPresent(m -> argv.add("--tx-offloads=0x" + Integer.toHexString(m)));
            totalNumMbufs.ifPresent(n -> argv.add("--total-num-mbufs=" + n));
            if (disableHwVlan) {
                argv.add("--disable-hw-vlan");
            }
            ethPeers.forEach((port, mac) -> argv.add("--eth-peer=" + port + "," + mac.value()));
            maxPktLen.ifPresent(n -> argv.add("--max-pkt-len=" + n));
            argv.add("--nb-cores=" + nbCores);
            if (autoStart) {
                argv.add("--auto-start");
            }
            return new TestpmdCommandLine(argv);
        }

        private static int countCores(String list) {
            int n = 0;
            for (String range : list.split(",")) {
                String[] ends = range.split("-");
                int from = Integer.parseInt(ends[0]);
                int to = ends.length == 2 ? Integer.parseInt(ends[1]) : from;
                if (to < from) {
                    throw new InvalidFunctionConfigException("corelist", "range " + range + " runs backwards");
                }
                n += to - from + 1;
            }
            return n;
        }
    }
}
