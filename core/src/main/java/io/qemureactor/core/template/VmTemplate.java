package io.qemureactor.core.template;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A saved VM on this machine: a folder holding the guest's RAM ({@code ram}), its saved device state
 * ({@code state.bin}) and {@link TemplateManifest the manifest}. Made by {@link TemplateMaker}, opened
 * with {@link #open(Path)}, restored by {@link TemplateRestorer}. Removing the folder removes the
 * template; clones that run keep their mapping of the RAM file.
 */
public final class VmTemplate {

    /** The RAM file's name in the folder. */
    public static final String RAM_FILE = "ram";
    /** The device state's name in the folder. */
    public static final String STATE_FILE = "state.bin";

    private final Path folder;
    private final TemplateManifest manifest;
    private final byte[] manifestBytes;
    private final String digest;

    VmTemplate(Path folder, TemplateManifest manifest, byte[] manifestBytes) {
        this.folder = Objects.requireNonNull(folder, "folder");
        this.manifest = Objects.requireNonNull(manifest, "manifest");
        this.manifestBytes = manifestBytes.clone();
        this.digest = sha256(manifestBytes);
    }

    /**
     * Opens the template in {@code folder} and checks its files against the manifest (the RAM file's size,
     * the state's size and SHA-256): a missing, truncated or replaced file fails here, in one line, with an
     * {@link InvalidTemplateException}.
     *
     * @param folder the template's folder on this machine
     * @return a cold Mono of the template, read on the bounded-elastic scheduler
     */
    public static Mono<VmTemplate> open(Path folder) {
        return Mono.fromCallable(() -> read(folder.toAbsolutePath())).subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * The template's folder on this machine.
     *
     * @return the absolute folder path
     */
    public Path folder() {
        return folder;
    }

    /**
     * What the template was made from.
     *
     * @return the manifest read from the folder
     */
    public TemplateManifest manifest() {
        return manifest;
    }

    /**
     * The SHA-256 (hex) of the manifest file: it names this template's copy on the hosts it is copied to (the
     * manifest holds the state's SHA-256 and the guest's argv digest, so another template has another digest).
     *
     * @return the SHA-256 of the manifest file, lower-case hex
     */
    public String digest() {
        return digest;
    }

    /** The manifest file's bytes, as written (copied with the template to other hosts). */
    byte[] manifestBytes() {
        return manifestBytes.clone();
    }

    /**
     * The RAM file, the guest's memory as saved.
     *
     * @return {@code FOLDER/ram}
     */
    public Path ramFile() {
        return folder.resolve(RAM_FILE);
    }

    /**
     * The saved device state.
     *
     * @return {@code FOLDER/state.bin}
     */
    public Path stateFile() {
        return folder.resolve(STATE_FILE);
    }

    /**
     * Removes the template's files and folder.
     *
     * @return a cold Mono that completes once the files are removed, run on the bounded-elastic scheduler
     */
    public Mono<Void> delete() {
        return Mono.<Void>fromRunnable(() -> deleteFiles(folder)).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public String toString() {
        return "template " + folder + " (" + manifest.memoryMib() + " MiB, QEMU " + manifest.qemuVersion() + ")";
    }

    private static VmTemplate read(Path folder) throws IOException {
        String where = "template " + folder;
        Path manifestFile = folder.resolve(TemplateManifest.FILE);
        if (!Files.isDirectory(folder)) {
            throw new InvalidTemplateException(where + ": no such folder (make one with template create)");
        }
        if (!Files.isReadable(manifestFile)) {
            throw new InvalidTemplateException(where + ": no readable " + TemplateManifest.FILE + " (not a template, or"
                    + " its making did not finish)");
        }
        byte[] bytes = Files.readAllBytes(manifestFile);
        TemplateManifest m = TemplateManifest.parse(bytes, where + "/" + TemplateManifest.FILE);
        checkSize(folder.resolve(RAM_FILE), m.ramBytes(), where);
        Path state = folder.resolve(STATE_FILE);
        checkSize(state, m.stateBytes(), where);
        String sha = sha256(state);
        if (!sha.equals(m.stateSha256())) {
            throw new InvalidTemplateException(where + ": " + STATE_FILE + " does not match the manifest (SHA-256 " + sha
                    + ", manifest " + m.stateSha256() + "): the file was replaced; make the template again");
        }
        return new VmTemplate(folder, m, bytes);
    }

    private static void checkSize(Path file, long expected, String where) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new InvalidTemplateException(where + ": " + file.getFileName() + " is missing");
        }
        if (size != expected) {
            throw new InvalidTemplateException(where + ": " + file.getFileName() + " has " + size + " bytes, the manifest"
                    + " says " + expected + " (truncated or replaced): make the template again");
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The template's three files, then the folder if it is empty (nothing else of the user's is removed). */
    static void deleteFiles(Path folder) {
        try {
            for (String name : new String[] {TemplateManifest.FILE, STATE_FILE, RAM_FILE}) {
                Files.deleteIfExists(folder.resolve(name));
            }
            try (var left = Files.list(folder)) {
                if (left.findAny().isEmpty()) {
                    Files.delete(folder);
                }
            }
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot remove template " + folder + ": " + e.getMessage(), e);
        }
    }
}
