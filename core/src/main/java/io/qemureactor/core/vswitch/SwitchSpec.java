package io.qemureactor.core.vswitch;

import io.qemureactor.core.function.InvalidFunctionConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a host {@link VSwitch} is: {@code ports} vhost-user ports served by one {@code dpdk-testpmd}
 * (each a socket it creates and listens on: the VMs connect as clients), its forwarding mode and
 * topology, its cores and memory. Immutable; every {@code with...} returns a copy.
 *
 * @param name         a short label, {@code [a-z0-9-]{1,24}}: in the run folder's and DPDK's file prefix
 * @param ports        vhost-user ports, 1 to {@value #MAX_PORTS}
 * @param mode         what it does with packets
 * @param topology     which port forwards to which
 * @param lcores       EAL {@code -l}: the main lcore and at least one forwarding lcore
 * @param memoryMib    EAL {@code -m}: the switch's own memory (mbufs), not the guests'
 * @param mbufs        testpmd's {@code --total-num-mbufs} (its default pool does not fit without hugepages)
 * @param useHugepages use the host's huge pages when it has enough free; {@code --no-huge} otherwise
 * @param binary       the testpmd program on the host
 * @param readyTimeout how long testpmd may take to show its first prompt
 * @param extraPorts   DPDK virtual devices added after the vhost-user ones (numbered from {@code ports} on):
 *                     {@link #DISCARD} or ring loopbacks ({@link #ringLoop})
 */
public record SwitchSpec(String name, int ports, SwitchMode mode, PortTopology topology, String lcores, int memoryMib,
        int mbufs, boolean useHugepages, Path binary, Duration readyTimeout, List<String> extraPorts) {

    /**
     * The most vhost-user ports one switch serves.
     */
    public static final int MAX_PORTS = 32;
    /**
     * A port that drops what it is sent and receives nothing (DPDK's {@code net_null} with {@code no-rx=1}):
     * paired with the last vhost-user port in {@link PortTopology#PAIRED}, it makes that port a counting sink.
     */
    public static final String DISCARD = "net_null0,no-rx=1";
    /** Debian 12's {@code dpdk-dev} installs it here. */
    public static final Path DEFAULT_BINARY = Path.of("/usr/bin/dpdk-testpmd");
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,24}");
    private static final Pattern LCORES = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

    /**
     * Checks the components and copies {@code extraPorts}.
     *
     * @param name a short label, {@code [a-z0-9-]{1,24}}
     * @param ports vhost-user ports, 0 to {@value #MAX_PORTS}, at least one port counting {@code extraPorts}
     * @param mode what it does with packets
     * @param topology which port forwards to which
     * @param lcores EAL {@code -l}, at least two lcores, e.g. {@code 0-1}
     * @param memoryMib the switch's own memory in MiB, at least 64
     * @param mbufs testpmd's mbuf pool size, at least 1024
     * @param useHugepages use huge pages when enough are free
     * @param binary absolute path of testpmd on the host
     * @param readyTimeout how long testpmd may take to show its first prompt
     * @param extraPorts DPDK vdevs after the vhost-user ports; copied
     * @throws io.qemureactor.core.function.InvalidFunctionConfigException naming the component that is out of range
     * @throws NullPointerException for a null component
     */
    public SwitchSpec {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new InvalidFunctionConfigException("name", "'" + name + "' must be 1-24 of a-z 0-9 -");
        }
        extraPorts = List.copyOf(extraPorts);
        if (ports < 0 || ports > MAX_PORTS || ports + extraPorts.size() < 1) {
            throw new InvalidFunctionConfigException("ports", ports + " vhost-user ports must be 0 to " + MAX_PORTS
                    + ", with at least one port in all");
        }
        for (String vdev : extraPorts) {
            if (!vdev.matches("net_[a-z]+\\d+(,[a-z_-]+=[A-Za-z0-9_-]+)*")) {
                throw new InvalidFunctionConfigException("extraPorts", "'" + vdev + "' is not a DPDK vdev like " + DISCARD);
            }
        }
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(lcores, "lcores");
        if (!LCORES.matcher(lcores).matches() || !lcores.matches(".*[-,].*")) {
            throw new InvalidFunctionConfigException("lcores", "'" + lcores
                    + "' must list at least two lcores (main + forwarding), e.g. 0-1");
        }
        if (memoryMib < 64) {
            throw new InvalidFunctionConfigException("memoryMib", memoryMib + " is below 64");
        }
        if (mbufs < 1024) {
            throw new InvalidFunctionConfigException("mbufs", mbufs + " is below 1024");
        }
        Objects.requireNonNull(binary, "binary");
        if (!binary.isAbsolute()) {
            throw new InvalidFunctionConfigException("binary", binary + " must be an absolute path");
        }
        Objects.requireNonNull(readyTimeout, "readyTimeout");
    }

    /**
     * {@code ports} ports forwarding io between pairs, on lcores 0-1 (one forwarding core), 512 MiB and 8192
     * mbufs (what the host switch of docs/design §4 used), huge pages when there are enough.
     *
     * @param name a short label, {@code [a-z0-9-]{1,24}}
     * @param ports vhost-user ports, 1 to {@value #MAX_PORTS}
     * @return the spec; fails with {@link io.qemureactor.core.function.InvalidFunctionConfigException} for a bad name or port count
     */
    public static SwitchSpec of(String name, int ports) {
        return new SwitchSpec(name, ports, SwitchMode.IO, PortTopology.PAIRED, "0-1", 512, 8192, true, DEFAULT_BINARY,
                Duration.ofSeconds(60), List.of());
    }

    /**
     * A switch with no vhost-user port and {@code rings} ring ports (DPDK's {@code net_ring}: what a port sends it
     * receives back), io forwarding between pairs: its own forwarding looped with no vhost-user copy and no VM,
     * the limit a chain is measured against.
     *
     * @param name a short label, {@code [a-z0-9-]{1,24}}
     * @param rings how many {@code net_ring} ports, at least 1
     * @return the spec; fails with {@link io.qemureactor.core.function.InvalidFunctionConfigException} for a bad name or no ring
     */
    public static SwitchSpec ringLoop(String name, int rings) {
        List<String> vdevs = new ArrayList<>();
        for (int i = 0; i < rings; i++) {
            vdevs.add("net_ring" + i);
        }
        return new SwitchSpec(name, 0, SwitchMode.IO, PortTopology.PAIRED, "0-1", 512, 8192, true, DEFAULT_BINARY,
                Duration.ofSeconds(60), vdevs);
    }

    /**
     * This spec with another forwarding mode.
     *
     * @param m what the switch does with packets
     * @return a copy
     */
    public SwitchSpec withMode(SwitchMode m) {
        return new SwitchSpec(name, ports, m, topology, lcores, memoryMib, mbufs, useHugepages, binary, readyTimeout, extraPorts);
    }

    /**
     * This spec with another port topology.
     *
     * @param t which port forwards to which
     * @return a copy
     */
    public SwitchSpec withTopology(PortTopology t) {
        return new SwitchSpec(name, ports, mode, t, lcores, memoryMib, mbufs, useHugepages, binary, readyTimeout, extraPorts);
    }

    /**
     * This spec on other lcores.
     *
     * @param l EAL {@code -l} list, at least two lcores (main + forwarding), e.g. {@code 2-3}
     * @return a copy; fails with {@link io.qemureactor.core.function.InvalidFunctionConfigException} for a bad list
     */
    public SwitchSpec withLcores(String l) {
        return new SwitchSpec(name, ports, mode, topology, l, memoryMib, mbufs, useHugepages, binary, readyTimeout, extraPorts);
    }

    /**
     * This spec with or without huge pages.
     *
     * @param use true to use huge pages when enough are free, false for {@code --no-huge}
     * @return a copy
     */
    public SwitchSpec withHugepages(boolean use) {
        return new SwitchSpec(name, ports, mode, topology, lcores, memoryMib, mbufs, use, binary, readyTimeout, extraPorts);
    }

    /**
     * This spec with another testpmd program.
     *
     * @param program absolute path of testpmd on the host
     * @return a copy; fails with {@link io.qemureactor.core.function.InvalidFunctionConfigException} for a relative path
     */
    public SwitchSpec withBinary(Path program) {
        return new SwitchSpec(name, ports, mode, topology, lcores, memoryMib, mbufs, useHugepages, program, readyTimeout, extraPorts);
    }

    /**
     * This spec with another bound on testpmd's first prompt.
     *
     * @param timeout how long testpmd may take to start
     * @return a copy
     */
    public SwitchSpec withReadyTimeout(Duration timeout) {
        return new SwitchSpec(name, ports, mode, topology, lcores, memoryMib, mbufs, useHugepages, binary, timeout, extraPorts);
    }

    /**
     * One more port, {@link #DISCARD}, after the vhost-user ones.
     *
     * @return a copy with {@link #DISCARD} appended to {@code extraPorts}
     */
    public SwitchSpec withDiscardPort() {
        return withExtraPort(DISCARD);
    }

    /**
     * One more DPDK virtual device after the existing ports (numbered next).
     *
     * @param vdev a DPDK vdev argument, e.g. {@code net_ring0} or {@link #DISCARD}
     * @return a copy; fails with {@link io.qemureactor.core.function.InvalidFunctionConfigException} for a malformed vdev
     */
    public SwitchSpec withExtraPort(String vdev) {
        List<String> more = new ArrayList<>(extraPorts);
        more.add(vdev);
        return new SwitchSpec(name, ports, mode, topology, lcores, memoryMib, mbufs, useHugepages, binary, readyTimeout, more);
    }

    /**
     * Port {@code port}'s socket in the switch's run folder.
     *
     * @param runFolder the switch's run folder
     * @param port the 0-based vhost-user port
     * @return {@code RUNFOLDER/vhostPORT.sock}
     */
    public static Path socket(Path runFolder, int port) {
        return runFolder.resolve("vhost" + port + ".sock");
    }

    /**
     * testpmd's argv, interactive ({@code -i}) under {@code stdbuf -oL} so that its replies are not held in a
     * pipe's block buffer. With huge pages: {@code --in-memory} (no files left behind); without:
     * {@code --no-huge} (which cannot be combined with {@code --in-memory}) and a file prefix of its own.
     */
    List<String> argv(Path runFolder, String filePrefix, boolean hugepages) {
        List<String> argv = new ArrayList<>(List.of("stdbuf", "-oL", "-eL", binary.toString(), "-l", lcores));
        argv.addAll(hugepages ? List.of("--in-memory") : List.of("--no-huge"));
        argv.addAll(List.of("-m", Integer.toString(memoryMib), "--no-pci", "--file-prefix", filePrefix));
        for (int port = 0; port < ports; port++) {
            argv.add("--vdev");
            argv.add("net_vhost" + port + ",iface=" + socket(runFolder, port));
        }
        for (String vdev : extraPorts) {
            argv.add("--vdev");
            argv.add(vdev);
        }
        argv.addAll(List.of("--", "-i", "--total-num-mbufs=" + mbufs, "--forward-mode=" + mode.word(),
                "--port-topology=" + topology.word(), "--nb-cores=1"));
        return argv;
    }
}
