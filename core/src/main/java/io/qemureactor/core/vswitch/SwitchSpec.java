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
 * @param discardPort  one more port after the vhost-user ones (number {@code ports}) that drops what it is sent
 *                     and receives nothing (DPDK's {@code net_null} with {@code no-rx=1}): the partner of the
 *                     last vhost-user port in {@link PortTopology#PAIRED}, so that port is a counting sink
 */
public record SwitchSpec(String name, int ports, SwitchMode mode, PortTopology topology, String lcores, int memoryMib,
        int mbufs, boolean useHugepages, Path binary, Duration readyTimeout, boolean discardPort) {

    public static final int MAX_PORTS = 32;
    /** Debian 12's {@code dpdk-dev} installs it here. */
    public static final Path DEFAULT_BINARY = Path.of("/usr/bin/dpdk-testpmd");
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,24}");
    private static final Pattern LCORES = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

    public SwitchSpec {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new InvalidFunctionConfigException("name", "'" + name + "' must be 1-24 of a-z 0-9 -");
        }
        if (ports < 1 || ports > MAX_PORTS) {
            throw new InvalidFunctionConfigException("ports", ports + " must be 1 to " + MAX_PORTS);
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
     */
    public static SwitchSpec of(String name, int ports) {
        return new SwitchSpec(name, ports, SwitchMode.IO, PortTopology.PAIRED, "0-1", 512, 8192, true, DEFAULT_BINARY,
                Duration.ofSeconds(60), false);
    }

    public SwitchSpec withMode(SwitchMode m) {
        return new SwitchSpec(name, ports, m, topology, lcores, memoryMib, mbufs, useHugepages, binary, readyTimeout, discardPort);
    }

    public SwitchSpec withTopology(PortTopology t) {
        return new SwitchSpec(name, ports, mode, t, lcores, memoryMib, mbufs, useHugepages, binary, readyTimeout, discardPort);
    }

    public SwitchSpec withLcores(String l) {
        return new SwitchSpec(name, ports, mode, topology, l, memoryMib, mbufs, useHugepages, binary, readyTimeout, discardPort);
    }

    public SwitchSpec withHugepages(boolean use) {
        return new SwitchSpec(name, ports, mode, topology, lcores, memoryMib, mbufs, use, binary, readyTimeout, discardPort);
    }

    public SwitchSpec withBinary(Path program) {
        return new SwitchSpec(name, ports, mode, topology, lcores, memoryMib, mbufs, useHugepages, program, readyTimeout, discardPort);
    }

    public SwitchSpec withReadyTimeout(Duration timeout) {
        return new SwitchSpec(name, ports, mode, topology, lcores, memoryMib, mbufs, useHugepages, binary, timeout, discardPort);
    }

    public SwitchSpec withDiscardPort(boolean on) {
        return new SwitchSpec(name, ports, mode, topology, lcores, memoryMib, mbufs, useHugepages, binary, readyTimeout, on);
    }

    /** Port {@code port}'s socket in the switch's run folder. */
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
        if (discardPort) {
            argv.add("--vdev");
            argv.add("net_null0,no-rx=1");
        }
        argv.addAll(List.of("--", "-i", "--total-num-mbufs=" + mbufs, "--forward-mode=" + mode.word(),
                "--port-topology=" + topology.word(), "--nb-cores=1"));
        return argv;
    }
}
