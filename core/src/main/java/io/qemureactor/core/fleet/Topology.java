package io.qemureactor.core.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.host.SshHost;
import io.qemureactor.core.host.SshTarget;
import io.qemureactor.core.spec.HugepageSize;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The hosts a fleet may use, from a small JSON file — the seed's world is a topology of nodes
 * (CSIT's topology YAML); JSON is enough for a host list and needs no dependency beyond the
 * jackson-databind core already has:
 *
 * <pre>{@code
 * {"hosts": [
 *   {"name": "local", "uri": "local", "cpus": "0-1"},
 *   {"name": "dut1", "uri": "ssh://csit@10.0.0.5:22", "identity": "~/.ssh/id_ed25519",
 *    "knownHosts": "~/.ssh/known_hosts", "sudo": false,
 *    "cpus": "2-7", "hugepagesMib": 4096, "maxVms": 8, "sshPorts": "10022-10099"}
 * ]}
 * }</pre>
 *
 * {@code name} and {@code uri} are required; {@code uri} is {@code local} or
 * {@code ssh://user@host[:port]}. {@code hugepagesMib} is a number (2M pages) or an object by page
 * size ({@code {"2M": 4096, "1G": 2048}}). What a host does not declare is not limited, except
 * {@code cpus}: without it a host offers no CPUs for pinning (a local host defaults to
 * {@code 0..n-1}). Unknown fields are errors, so a typo does not silently drop a limit.
 */
public final class Topology {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("name", "uri", "identity", "knownHosts", "sudo", "cpus",
            "hugepagesMib", "maxVms", "sshPorts");

    /**
     * One host of the topology.
     *
     * @param name     its name in the fleet
     * @param host     how to reach it (an SSH host connects on first use)
     * @param capacity what it offers
     */
    public record Entry(String name, Host host, HostCapacity capacity) {
        /**
         * Validates the components.
         *
         * @param name its name in the fleet
         * @param host how to reach it (an SSH host connects on first use)
         * @param capacity what it offers
         * @throws NullPointerException if a component is null
         */
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(capacity, "capacity");
        }
    }

    private final String source;
    private final List<Entry> entries;

    private Topology(String source, List<Entry> entries) {
        this.source = source;
        this.entries = List.copyOf(entries);
    }

    /**
     * Reads and checks a topology file (UTF-8). Blocking file read; SSH hosts are not contacted yet.
     *
     * @param file the JSON file
     * @return the topology
     * @throws TopologyException if the file cannot be read or its content is wrong
     */
    public static Topology load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TopologyException("cannot read topology " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses topology JSON; {@code source} names it in messages (a file name).
     *
     * @param json the topology JSON
     * @param source what to call it in error messages
     * @return the topology
     * @throws TopologyException naming the source and the field that is wrong
     */
    public static Topology parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new TopologyException("topology " + source + ": not JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new TopologyException("topology " + source + ": expected an object {\"hosts\": [...]}");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("hosts")) {
                throw new TopologyException("topology " + source + ": unknown field '" + f + "' (known: hosts)");
            }
        }
        JsonNode hosts = root.get("hosts");
        if (hosts == null || !hosts.isArray() || hosts.isEmpty()) {
            throw new TopologyException("topology " + source + ": hosts: expected a non-empty array of hosts");
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < hosts.size(); i++) {
            Entry e = new HostReader(source, "hosts[" + i + "]", hosts.get(i)).read();
            if (!names.add(e.name())) {
                throw new TopologyException("topology " + source + ": hosts[" + i + "].name: '" + e.name()
                        + "' is used by an earlier host (names must be unique)");
            }
            entries.add(e);
        }
        return new Topology(source, entries);
    }

    /**
     * Where it came from.
     *
     * @return the file name or source given to {@link #parse}
     */
    public String source() {
        return source;
    }

    /**
     * The hosts, in file order.
     *
     * @return an unmodifiable list of the entries
     */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * The host named {@code name}.
     *
     * @param name a host's name in the topology
     * @return the entry, or empty if there is none
     */
    public Optional<Entry> entry(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /**
     * The hosts for a fleet, each with a fresh ledger; call once and share them between fleets.
     *
     * @return new fleet hosts, in file order
     */
    public List<FleetHost> fleetHosts() {
        return entries.stream().map(e -> FleetHost.of(e.name(), e.host(), e.capacity())).toList();
    }

    /**
     * Closes the SSH hosts' sessions.
     *
     * @return a cold Mono that completes when every host is closed
     */
    public reactor.core.publisher.Mono<Void> close() {
        return reactor.core.publisher.Flux.fromIterable(entries).flatMap(e -> e.host().close()).then();
    }

    /** Reads one host object; every error names {@code hosts[i].field}. */
    private static final class HostReader {
        private final String source;
        private final String where;
        private final JsonNode node;

        HostReader(String source, String where, JsonNode node) {
            this.source = source;
            this.where = where;
            this.node = node;
        }

        Entry read() {
            if (node == null || !node.isObject()) {
                throw error(where, "expected an object with at least name and uri");
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!FIELDS.contains(f)) {
                    throw error(where, "unknown field '" + f + "' (known: name, uri, identity, knownHosts, sudo, cpus,"
                            + " hugepagesMib, maxVms, sshPorts)");
                }
            }
            String name = text("name").orElseThrow(() -> error(field("name"), "required (the host's name in the fleet)"));
            if (name.isBlank()) {
                throw error(field("name"), "must not be empty");
            }
            String uri = text("uri").orElseThrow(() -> error(field("uri"), "required: local or ssh://user@host[:port]"));
            boolean local = uri.equals("local");
            Host host;
            if (local) {
                for (String sshOnly : List.of("identity", "knownHosts", "sudo")) {
                    if (node.has(sshOnly)) {
                        throw error(field(sshOnly), "only for ssh:// hosts, and uri is local");
                    }
                }
                host = LocalHost.instance();
            } else {
                SshTarget target;
                try {
                    target = SshTarget.parse(uri);
                } catch (IllegalArgumentException e) {
                    throw error(field("uri"), "'" + uri + "' is neither local nor ssh://user@host[:port]");
                }
                Optional<String> identity = text("identity");
                if (identity.isPresent()) {
                    target = target.withIdentity(path(identity.get()));
                }
                Optional<String> known = text("knownHosts");
                if (known.isPresent()) {
                    target = target.withKnownHosts(path(known.get()));
                }
                if (node.has("sudo")) {
                    if (!node.get("sudo").isBoolean()) {
                        throw error(field("sudo"), "expected true or false, got " + node.get("sudo"));
                    }
                    target = target.withSudo(node.get("sudo").booleanValue());
                }
                host = SshHost.of(target);
            }
            HostCapacity capacity = HostCapacity.unlimited()
                    .withCpus(local ? HostCapacity.localDefault().cpus() : CpuSet.empty());
            Optional<String> cpus = text("cpus");
            if (cpus.isPresent()) {
                try {
                    capacity = capacity.withCpus(CpuSet.parse(cpus.get()));
                } catch (IllegalArgumentException e) {
                    throw error(field("cpus"), e.getMessage());
                }
            }
            if (node.has("hugepagesMib")) {
                capacity = hugepages(capacity, node.get("hugepagesMib"));
            }
            if (node.has("maxVms")) {
                capacity = capacity.withMaxVms((int) count(node.get("maxVms"), field("maxVms"), Integer.MAX_VALUE));
            }
            Optional<String> ports = text("sshPorts");
            if (ports.isPresent()) {
                try {
                    capacity = capacity.withSshPorts(PortRange.parse(ports.get()));
                } catch (IllegalArgumentException e) {
                    throw error(field("sshPorts"), e.getMessage());
                }
            }
            return new Entry(name, host, capacity);
        }

        private HostCapacity hugepages(HostCapacity capacity, JsonNode value) {
            if (value.isNumber()) {
                return capacity.withHugepageBudget(HugepageSize.SIZE_2M, count(value, field("hugepagesMib"), Long.MAX_VALUE));
            }
            if (!value.isObject()) {
                throw error(field("hugepagesMib"), "expected MiB of 2M pages (a number) or {\"2M\": MiB, \"1G\": MiB}, got " + value);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String at = field("hugepagesMib") + "." + f.getKey();
                HugepageSize size = switch (f.getKey()) {
                    case "2M" -> HugepageSize.SIZE_2M;
                    case "1G" -> HugepageSize.SIZE_1G;
                    default -> throw error(at, "unknown page size (known: 2M, 1G)");
                };
                long mib = count(f.getValue(), at, Long.MAX_VALUE);
                if (mib % size.mib() != 0) {
                    throw error(at, mib + " MiB is not a whole number of " + size + " pages");
                }
                capacity = capacity.withHugepageBudget(size, mib);
            }
            return capacity;
        }

        private long count(JsonNode value, String at, long max) {
            if (!value.canConvertToLong() || !value.isIntegralNumber() || value.longValue() < 0 || value.longValue() > max) {
                throw error(at, "expected a whole number >= 0, got " + value);
            }
            return value.longValue();
        }

        private Optional<String> text(String f) {
            JsonNode v = node.get(f);
            if (v == null || v.isNull()) {
                return Optional.empty();
            }
            if (!v.isTextual()) {
                throw error(field(f), "expected a string, got " + v);
            }
            return Optional.of(v.textValue());
        }

        private static Path path(String p) {
            return p.equals("~") || p.startsWith("~/") ? Path.of(System.getProperty("user.home") + p.substring(1)) : Path.of(p);
        }

        private String field(String f) {
            return where + "." + f;
        }

        private TopologyException error(String at, String message) {
            return new TopologyException("topology " + source + ": " + at + ": " + message);
        }
    }

    @Override
    public String toString() {
        return "topology " + source + ": " + entries.stream().map(Entry::name).toList();
    }
}
