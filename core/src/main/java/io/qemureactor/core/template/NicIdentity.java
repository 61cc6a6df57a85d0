package io.qemureactor.core.template;

import io.qemureactor.core.probe.BootContext;
import io.qemureactor.core.probe.BootFailedException;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.NicAssignment;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.qga.GuestNetworkInterface;
import io.qemureactor.qga.QgaClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * A clone's own NIC identity, set inside the guest after the restore. The guest resumes with the template's
 * MACs (the saved virtio-net state holds them, and so does the guest kernel's memory) and the template's
 * addresses; each NIC whose MAC in the clone's spec differs gets it with {@code ip link set dev IF address
 * MAC}, and each NIC given an address in {@link CloneOptions#addresses()} gets it (its IPv4 addresses
 * replaced), all in one {@code guest-exec} of {@code /bin/sh}, the interfaces found by their template MAC
 * ({@code guest-network-get-interfaces}).
 *
 * <p>Why through the agent and not QMP: QEMU has no command that changes a realised NIC's MAC (its {@code mac}
 * property is fixed once the device exists, and the migrated device state brings the template's anyway), and
 * even if it had, the guest kernel would keep the MAC it read at boot. The guest's virtio-net driver tells
 * QEMU the new MAC itself ({@code VIRTIO_NET_CTRL_MAC_ADDR_SET}), so QEMU's view ({@code query-rx-filter})
 * follows; the clone's argv already carries the clone's MACs.
 */
final class NicIdentity {

    /** Per NIC: set the MAC live, or with the link down where the driver cannot; replace the IPv4 addresses. */
    private static final String SCRIPT = String.join("\n",
            "PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH",
            "while [ $# -ge 3 ]; do",
            "  case \"$1\" in",
            "    mac) ip link set dev \"$2\" address \"$3\" 2>/dev/null || { ip link set dev \"$2\" down &&"
                    + " ip link set dev \"$2\" address \"$3\" && ip link set dev \"$2\" up; } || exit 1 ;;",
            "    addr) { ip -f inet addr flush dev \"$2\" && ip addr add \"$3\" dev \"$2\"; } || exit 1 ;;",
            "  esac",
            "  shift 3",
            "done");

    /** One change: {@code kind} is {@code mac} or {@code addr}, applied to the NIC the guest knows by {@code templateMac}. */
    private record Change(String netdevId, String templateMac, String kind, String value) {
    }

    private final List<Change> changes;

    private NicIdentity(List<Change> changes) {
        this.changes = List.copyOf(changes);
    }

    /**
     * What differs between the template's NICs and the clone's: MACs from the clone's spec, addresses from
     * the options. An address for a NIC the spec does not have fails here, before anything starts.
     */
    static NicIdentity of(Map<String, String> templateMacs, VmSpec clone, Map<String, String> addresses) {
        List<Change> changes = new ArrayList<>();
        Map<String, NicAssignment> nics = clone.nics().stream()
                .collect(Collectors.toMap(NicAssignment::netdevId, n -> n, (a, b) -> a, java.util.LinkedHashMap::new));
        for (NicAssignment nic : nics.values()) {
            String ours = nic.mac().toString().toLowerCase(Locale.ROOT);
            String theirs = Optional.ofNullable(templateMacs.get(nic.netdevId())).orElse(ours).toLowerCase(Locale.ROOT);
            if (!theirs.equals(ours)) {
                changes.add(new Change(nic.netdevId(), theirs, "mac", ours));
            }
        }
        addresses.forEach((id, cidr) -> {
            NicAssignment nic = nics.get(id);
            if (nic == null) {
                throw new InvalidTemplateException(clone.name() + ": an address is given for NIC " + id
                        + ", which the VM does not have (its NICs: " + (nics.isEmpty() ? "none" : String.join(", ", nics.keySet())) + ")");
            }
            String mac = Optional.ofNullable(templateMacs.get(id)).orElse(nic.mac().toString()).toLowerCase(Locale.ROOT);
            changes.add(new Change(id, mac, "addr", cidr));
        });
        return new NicIdentity(changes);
    }

    boolean isEmpty() {
        return changes.isEmpty();
    }

    /** {@code probe}, then these changes through the agent; the same probe when there is nothing to change. */
    BootProbe after(BootProbe probe) {
        if (isEmpty()) {
            return probe;
        }
        return new BootProbe() {
            @Override
            public Mono<Void> await(BootContext context) {
                return probe.await(context).then(Mono.defer(() -> context.agent()
                        .map(agent -> agent.flatMap(a -> apply(context.vmName(), a)))
                        .orElseGet(() -> Mono.error(new BootFailedException(context.vmName()
                                + " has no guest agent channel: its NICs' identity is set through the agent")))));
            }

            @Override
            public Duration timeout() {
                return probe.timeout();
            }

            @Override
            public String describe() {
                return probe.describe() + " + NIC identity (" + changes.size() + " change" + (changes.size() == 1 ? "" : "s") + ")";
            }
        };
    }

    /** Finds each NIC by its template MAC, then makes every change in one {@code guest-exec}. */
    Mono<Void> apply(String vm, QgaClient agent) {
        return agent.networkInterfaces().flatMap(ifaces -> {
            Map<String, String> byMac = ifaces.stream().filter(i -> i.macAddress() != null)
                    .collect(Collectors.toMap(i -> i.macAddress().toLowerCase(Locale.ROOT), GuestNetworkInterface::name,
                            (a, b) -> a));
            List<String> argv = new ArrayList<>(List.of("-c", SCRIPT, "sh"));
            for (Change c : changes) {
                String name = byMac.get(c.templateMac());
                if (name == null) {
                    return Mono.error(new BootFailedException(vm + ": no interface in the guest has " + c.netdevId()
                            + "'s MAC " + c.templateMac() + " (the agent lists: " + ifaces.stream()
                            .map(i -> i.name() + " " + i.macAddress()).collect(Collectors.joining(", ")) + ")"));
                }
                argv.addAll(List.of(c.kind(), name, c.value()));
            }
            return agent.exec("/bin/sh", argv).flatMap(r -> r.succeeded() ? Mono.<Void>empty()
                    : Mono.error(new BootFailedException(vm + ": setting the NICs' identity failed (exit " + r.exitCode()
                            + "): " + (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip())));
        });
    }
}
