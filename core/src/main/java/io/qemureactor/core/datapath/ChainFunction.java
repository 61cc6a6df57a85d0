package io.qemureactor.core.datapath;

import io.qemureactor.core.function.InitScript;
import io.qemureactor.core.function.KernelVmFunction;
import io.qemureactor.core.function.NicBinding;
import io.qemureactor.core.probe.ReadinessRule;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.spec.MacAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What each VM of a chain runs between its two vhost-user NICs (slots 6 and 7). */
public enum ChainFunction {
    /** The seed's testpmd-io: real DPDK in the guest, virtio PMD on uio_pci_generic, io forwarding. */
    TESTPMD_IO,
    /** The seed's testpmd-mac: as io, rewriting the MACs towards the previous and the next hop. */
    TESTPMD_MAC,
    /** The guest kernel's bridge over its two virtio_net interfaces (no DPDK in the guest). */
    BRIDGE;

    /** What the bridge function prints once both interfaces are in the bridge and up. */
    public static final String BRIDGE_READY = "qemu-reactor-bridge: forwarding";
    /** The MAC of a switch's vhost port {@code port}: DPDK's vhost PMD derives it from "VHOST". */
    static MacAddress switchPortMac(int port) {
        return MacAddress.parse(String.format(Locale.ROOT, "56:48:4f:53:54:%02x", port));
    }

    /**
     * The CLI's spelling: {@code testpmd-io}, {@code testpmd-mac}, {@code bridge}.
     *
     * @return the lower-case, dash-separated name
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The function of the CLI's spelling; one line naming the choices otherwise.
     *
     * @param label {@code testpmd-io}, {@code testpmd-mac} or {@code bridge}
     * @return the function
     * @throws IllegalArgumentException for any other label
     */
    public static ChainFunction parse(String label) {
        for (ChainFunction f : values()) {
            if (f.label().equals(label)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown chain function '" + label + "': use testpmd-io, testpmd-mac or bridge");
    }

    /**
     * The kernel VM function of VM {@code vm} (1-based) in a chain of {@code vms}, with {@code smp} vCPUs (one
     * main lcore, the rest forwarding).
     */
    KernelVmFunction function(GuestKit kit, int vm, int vms, int smp) {
        return switch (this) {
            case TESTPMD_IO -> KernelVmFunction.testpmdIo(smp, 1).withBinding(NicBinding.uioPciGeneric(kit.dpdkModules()));
            case TESTPMD_MAC -> KernelVmFunction.testpmdMac(smp, 1,
                            vm == 1 ? switchPortMac(0) : MacAddress.seedDefault(vm - 1, 2),
                            vm == vms ? switchPortMac(0) : MacAddress.seedDefault(vm + 1, 1))
                    .withBinding(NicBinding.uioPciGeneric(kit.dpdkModules()));
            case BRIDGE -> bridge(kit.bridgeModules());
        };
    }

    /**
     * A script run with the host's {@code sh}: insert the bridge modules, switch IPv6 off (so the guest sends
     * nothing of its own into the chain), put the interfaces of slots 6 and 7 in {@code br0} (STP off: no
     * BPDUs and no listening delay), bring everything up, say so, and wait.
     */
    private static KernelVmFunction bridge(List<Path> modules) {
        // one line (an init script argument carries no line break); the ready line is assembled by printf so
        // that the init script's "starting bridge: ..." line, which quotes this script, does not contain it
        String script = String.join("; ",
                "for m in \"$@\"; do insmod \"$m\" 2>/dev/null; done",
                "echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6",
                "echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6",
                "ip link add br0 type bridge stp_state 0 || exit 1",
                "for slot in 06 07; do nic=$(ls /sys/bus/pci/devices/0000:00:$slot.0/virtio*/net/ 2>/dev/null | head -n1)",
                "[ -n \"$nic\" ] || { echo \"no interface in slot $slot\"; exit 1; }",
                "echo 1 >/proc/sys/net/ipv6/conf/$nic/disable_ipv6",
                "ip link set dev \"$nic\" master br0 && ip link set dev \"$nic\" up || exit 1",
                "done",
                "ip link set dev br0 up || exit 1",
                "printf '%s-bridge: forwarding\\n' qemu-reactor",
                "exec sleep infinity");
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", script, "bridge"));
        modules.forEach(m -> argv.add(m.toString()));
        return KernelVmFunction.command(argv.toArray(String[]::new))
                .withName("bridge")
                .withReadiness(ReadinessRule.lineContaining(BRIDGE_READY));
    }
}
