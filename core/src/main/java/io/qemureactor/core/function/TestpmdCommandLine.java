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

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The seed's testpmd-io: all {@code smp} vCPUs as lcores, core 0 the main one and the other
     * {@code smp - 1} forwarding; in-memory (no hugepage files), no extra PMD driver, 16384 mbufs,
     * {@code queues} rx and tx queues, tx offloads off, hardware VLAN left alone.
     *
     * @throws InvalidFunctionConfigException naming {@code smp} if it is below 2: testpmd needs a forwarding
     *     core besides the main one (the seed would have passed {@code --nb-cores=0}, which testpmd rejects)
     */
    public static TestpmdCommandLine kernelVmIo(int smp, int queues) {
        return seedBase(smp, queues).forwardMode(ForwardMode.IO).build();
    }

    /** The seed's testpmd-mac: as {@link #kernelVmIo}, MAC forwarding towards {@code vif1Mac} and {@code vif2Mac}. */
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

    public List<String> argv() {
        return argv;
    }

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

        public Builder binary(Path path) {
            this.binary = Checks.absolutePath("binary", path);
            return this;
        }

        /** EAL {@code -l}: the lcores, e.g. {@code 0-1}. Required. */
        public Builder corelist(String cores) {
            this.corelist = Checks.corelist("corelist", cores, "0-1 or 0,2-3");
            return this;
        }

        /** EAL main lcore (default 0). */
        public Builder mainLcore(int core) {
            this.mainLcore = Checks.atLeast("mainLcore", core, 0);
            return this;
        }

        /**
         * Spell the main lcore option {@code --master-lcore}, as the seed did, for DPDK before 20.11
         * (newer DPDK renamed it {@code --main-lcore} and later dropped the old name).
         */
        public Builder legacyMasterLcore(boolean on) {
            this.legacyMasterLcore = on;
            return this;
        }

        /** EAL {@code -d}: load an external PMD library (the seed's {@code eal_driver=False} means none). */
        public Builder driver(Path library) {
            this.driver = Optional.of(Checks.absolutePath("driver", library));
            return this;
        }

        /** EAL {@code --in-memory}: no hugepage or runtime files, so nothing to write on a read-only root. */
        public Builder inMemory(boolean on) {
            this.inMemory = on;
            return this;
        }

        public Builder forwardMode(ForwardMode mode) {
            this.forwardMode = Objects.requireNonNull(mode, "forwardMode");
            return this;
        }

        public Builder burst(int packets) {
            this.burst = Checks.atLeast("burst", packets, 1);
            return this;
        }

        public Builder txd(int descriptors) {
            this.txd = Checks.atLeast("txd", descriptors, 1);
            return this;
        }

        public Builder rxd(int descriptors) {
            this.rxd = Checks.atLeast("rxd", descriptors, 1);
            return this;
        }

        public Builder txq(int queues) {
            this.txq = Checks.atLeast("txq", queues, 1);
            return this;
        }

        public Builder rxq(int queues) {
            this.rxq = Checks.atLeast("rxq", queues, 1);
            return this;
        }

        /** {@code --tx-offloads=0x...}: the bitmask of tx offloads to enable (the seed: 0, none). */
        public Builder txOffloads(int mask) {
            this.txOffloads = OptionalInt.of(Checks.atLeast("txOffloads", mask, 0));
            return this;
        }

        public Builder totalNumMbufs(int mbufs) {
            this.totalNumMbufs = OptionalInt.of(Checks.atLeast("totalNumMbufs", mbufs, 1));
            return this;
        }

        /** {@code --disable-hw-vlan}; the seed passed false (DpdkUtil's default was true). */
        public Builder disableHwVlan(boolean on) {
            this.disableHwVlan = on;
            return this;
        }

        /** {@code --eth-peer=PORT,MAC}: the destination MAC for port {@code port} in MAC forwarding. */
        public Builder ethPeer(int port, MacAddress mac) {
            Checks.atLeast("ethPeer.port", port, 0);
            ethPeers.put(port, Objects.requireNonNull(mac, "ethPeer[" + port + "]"));
            return this;
        }

        public Builder maxPktLen(int bytes) {
            this.maxPktLen = OptionalInt.of(Checks.atLeast("maxPktLen", bytes, 64));
            return this;
        }

        /** Forwarding cores; at least 1, and fewer than the lcores (the main lcore does not forward). */
        public Builder nbCores(int cores) {
            this.nbCores = Checks.atLeast("nbCores", cores, 1);
            return this;
        }

        /** {@code --auto-start}: start forwarding at once in interactive mode (off by default, as in the seed). */
        public Builder autoStart(boolean on) {
            this.autoStart = on;
            return this;
        }

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
