package io.qemureactor.core.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qemureactor.core.spec.Accelerator;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a template was made from, written as {@code manifest.json} next to its RAM and state files,
 * and checked before a clone is started.
 *
 * @param qemuProgram  the emulator that made it ({@code qemu-system-x86_64})
 * @param qemuVersion  its version as {@code --version} shows it, package included: a saved state loads
 *                     only into the same QEMU
 * @param accelerator  KVM or TCG, as resolved when the template was made
 * @param memoryMib    guest RAM, the size of the RAM file
 * @param vcpus        vCPUs
 * @param guestArgv    the guest-visible command line (see {@link GuestConfig})
 * @param argvDigest   its SHA-256
 * @param stateBytes   the size of the saved device state
 * @param stateSha256  its SHA-256: a truncated or replaced state file is refused before a restore
 * @param createdAt    when it was saved
 * @param origin       free-form notes of whoever made it (the CLI keeps its boot options here)
 * @param nicMacs      each NIC's MAC by netdev id, as the template's guest knows it (the guest-visible argv
 *                     holds MACs as {@code mac=*}: a clone's own MACs are set in the guest after the restore)
 */
public record TemplateManifest(String qemuProgram, String qemuVersion, Accelerator accelerator, int memoryMib,
                               int vcpus, List<String> guestArgv, String argvDigest, long stateBytes,
                               String stateSha256, Instant createdAt, Map<String, String> origin,
                               Map<String, String> nicMacs) {

    /** The file name of the manifest in a template folder. */
    public static final String FILE = "manifest.json";
    static final int FORMAT = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Checks the components and copies the lists and maps.
     *
     * @param qemuProgram the emulator that made it
     * @param qemuVersion its {@code --version}
     * @param accelerator KVM or TCG
     * @param memoryMib guest RAM in MiB
     * @param vcpus vCPUs
     * @param guestArgv the guest-visible command line; copied
     * @param argvDigest its SHA-256
     * @param stateBytes the size of the saved device state, in bytes
     * @param stateSha256 its SHA-256
     * @param createdAt when it was saved
     * @param origin free-form notes; copied
     * @param nicMacs each NIC's MAC by netdev id; copied
     * @throws NullPointerException for a null component
     */
    public TemplateManifest {
        Objects.requireNonNull(qemuProgram, "qemuProgram");
        Objects.requireNonNull(qemuVersion, "qemuVersion");
        Objects.requireNonNull(accelerator, "accelerator");
        guestArgv = List.copyOf(guestArgv);
        Objects.requireNonNull(argvDigest, "argvDigest");
        Objects.requireNonNull(stateSha256, "stateSha256");
        Objects.requireNonNull(createdAt, "createdAt");
        origin = Map.copyOf(origin);
        nicMacs = Map.copyOf(nicMacs);
    }

    /**
     * A manifest of a template without NICs.
     *
     * @param qemuProgram the emulator that made it
     * @param qemuVersion its {@code --version}
     * @param accelerator KVM or TCG
     * @param memoryMib guest RAM in MiB
     * @param vcpus vCPUs
     * @param guestArgv the guest-visible command line
     * @param argvDigest its SHA-256
     * @param stateBytes the size of the saved device state, in bytes
     * @param stateSha256 its SHA-256
     * @param createdAt when it was saved
     * @param origin free-form notes
     */
    public TemplateManifest(String qemuProgram, String qemuVersion, Accelerator accelerator, int memoryMib, int vcpus,
                            List<String> guestArgv, String argvDigest, long stateBytes, String stateSha256,
                            Instant createdAt, Map<String, String> origin) {
        this(qemuProgram, qemuVersion, accelerator, memoryMib, vcpus, guestArgv, argvDigest, stateBytes, stateSha256,
                createdAt, origin, Map.of());
    }

    /**
     * The RAM file's size in bytes.
     *
     * @return {@code memoryMib} in bytes
     */
    public long ramBytes() {
        return memoryMib * 1024L * 1024L;
    }

    byte[] toJson() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("format", FORMAT);
        o.put("qemuProgram", qemuProgram);
        o.put("qemuVersion", qemuVersion);
        o.put("accelerator", accelerator.name().toLowerCase(Locale.ROOT));
        o.put("memoryMib", memoryMib);
        o.put("vcpus", vcpus);
        guestArgv.forEach(o.putArray("guestArgv")::add);
        o.put("argvDigest", argvDigest);
        o.put("stateBytes", stateBytes);
        o.put("stateSha256", stateSha256);
        o.put("createdAt", createdAt.toString());
        ObjectNode notes = o.putObject("origin");
        new java.util.TreeMap<>(origin).forEach(notes::put);
        if (!nicMacs.isEmpty()) {
            ObjectNode macs = o.putObject("nicMacs");
            new java.util.TreeMap<>(nicMacs).forEach(macs::put);
        }
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a manifest; {@code where} names it in errors. */
    static TemplateManifest parse(byte[] json, String where) {
        JsonNode o;
        try {
            o = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new InvalidTemplateException(where + " is not valid JSON (" + io.qemureactor.core.Messages.oneLine(e) + ")");
        }
        int format = required(o, "format", where).asInt();
        if (format != FORMAT) {
            throw new InvalidTemplateException(where + " has format " + format + ", this version reads " + FORMAT
                    + ": make the template again");
        }
        List<String> argv = new ArrayList<>();
        required(o, "guestArgv", where).forEach(a -> argv.add(a.asText()));
        Map<String, String> origin = new LinkedHashMap<>();
        o.path("origin").fields().forEachRemaining(f -> origin.put(f.getKey(), f.getValue().asText()));
        Map<String, String> macs = new LinkedHashMap<>();
        o.path("nicMacs").fields().forEachRemaining(f -> macs.put(f.getKey(), f.getValue().asText()));
        Accelerator accel;
        try {
            accel = Accelerator.valueOf(required(o, "accelerator", where).asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidTemplateException(where + ": accelerator '" + o.path("accelerator").asText() + "' is unknown");
        }
        return new TemplateManifest(required(o, "qemuProgram", where).asText(), required(o, "qemuVersion", where).asText(),
                accel, required(o, "memoryMib", where).asInt(), required(o, "vcpus", where).asInt(), argv,
                required(o, "argvDigest", where).asText(), required(o, "stateBytes", where).asLong(),
                required(o, "stateSha256", where).asText(), Instant.parse(required(o, "createdAt", where).asText()), origin, macs);
    }

    private static JsonNode required(JsonNode o, String field, String where) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidTemplateException(where + " has no '" + field + "': not a template manifest of this version");
        }
        return v;
    }
}
