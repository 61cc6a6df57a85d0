package io.qemureactor.core.template;

import io.qemureactor.core.cmdline.QemuCommandLine;
import io.qemureactor.core.cmdline.RunLayout;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.MemoryBackend;
import io.qemureactor.core.spec.VmSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What a guest sees of its QEMU, as argv: the spec rendered with what may differ between a template and
 * its clones made constant (the VM's name, its run folder and sockets, where the RAM file lives, the NICs'
 * MACs: a clone's MAC is set inside the guest after the restore, see {@link NicIdentity}). A
 * clone's saved devices only load into a QEMU whose guest-visible configuration is the template's, so a
 * restore compares this argv with the one in the manifest, and says which argument differs.
 *
 * @param argv   the canonical argv, without the program
 * @param digest its SHA-256, hex
 */
record GuestConfig(List<String> argv, String digest) {

    private static final String NAME = "template";
    private static final RunLayout LAYOUT = RunLayout.in(Path.of("/run/qemu-reactor-template"));
    private static final Path RAM = Path.of("/template/ram");
    private static final java.util.regex.Pattern MAC = java.util.regex.Pattern.compile(
            "\\bmac=[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}");

    GuestConfig {
        argv = List.copyOf(argv);
    }

    static GuestConfig of(VmSpec spec, Accelerator accelerator) {
        VmSpec canonical = spec.toBuilder().name(NAME).accelerator(accelerator)
                .memoryBackend(MemoryBackend.ramFile(RAM, true)).build();
        List<String> full = QemuCommandLine.render(canonical, accelerator, LAYOUT, "qemu").argv();
        return of(full.subList(1, full.size()).stream().map(a -> MAC.matcher(a).replaceAll("mac=*")).toList());
    }

    static GuestConfig of(List<String> argv) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String arg : argv) {
                sha.update(arg.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return new GuestConfig(argv, HexFormat.of().formatHex(sha.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Empty when equal; else the first difference, e.g. {@code argument 12: template '256M', this spec '512M'}. */
    Optional<String> difference(GuestConfig other) {
        if (digest.equals(other.digest)) {
            return Optional.empty();
        }
        int n = Math.min(argv.size(), other.argv.size());
        for (int i = 0; i < n; i++) {
            if (!argv.get(i).equals(other.argv.get(i))) {
                String option = i > 0 && argv.get(i - 1).startsWith("-") ? argv.get(i - 1) + " " : "";
                return Optional.of(option + "'" + argv.get(i) + "' in the template, '" + other.argv.get(i) + "' in this spec");
            }
        }
        return Optional.of(argv.size() > n
                ? "the template has more arguments: " + String.join(" ", argv.subList(n, argv.size()))
                : "this spec has more arguments: " + String.join(" ", other.argv.subList(n, other.argv.size())));
    }
}
