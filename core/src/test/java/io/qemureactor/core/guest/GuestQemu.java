package io.qemureactor.core.guest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qemureactor.core.guest.GuestKit.Flavour;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One QEMU (TCG, 1 vCPU, 256 MiB) booting the test guest kit in one flavour, in a private folder
 * with three unix sockets: the serial console (ttyS0), qemu-ga on an isa-serial port (ttyS1) and
 * QMP. Test code: it blocks. {@link #close()} kills QEMU and waits for it.
 */
final class GuestQemu implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GuestKit kit;
    private final Flavour flavour;
    private final Path dir;
    private final List<String> argv;
    private final Process process;
    private UnixLines console;

    private GuestQemu(GuestKit kit, Flavour flavour, Path dir, List<String> argv, Process process) {
        this.kit = kit;
        this.flavour = flavour;
        this.dir = dir;
        this.argv = argv;
        this.process = process;
    }

    /** Starts QEMU and connects to its console at once (a socket chardev drops output nobody reads). */
    static GuestQemu start(GuestKit kit, Flavour flavour, Path dir) throws IOException, TimeoutException {
        List<String> argv = argv(kit, flavour, dir);
        Process p = new ProcessBuilder(argv)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu.out").toFile())
                .start();
        GuestQemu vm = new GuestQemu(kit, flavour, dir, argv, p);
        try {
            vm.console = UnixLines.connect(vm.consoleSocket(), Duration.ofSeconds(20));
        } catch (IOException | TimeoutException | RuntimeException e) {
            vm.close();
            throw e;
        }
        return vm;
    }

    /** The QEMU command line for {@code flavour} (the same one docs/guest.md shows). */
    static List<String> argv(GuestKit kit, Flavour flavour, Path dir) {
        List<String> a = new ArrayList<>(List.of(
                "qemu-system-x86_64",
                "-machine", "pc,accel=tcg", "-cpu", "max", "-smp", "1", "-m", "256",
                "-nodefaults", "-no-user-config", "-display", "none", "-vga", "none",
                "-kernel", kit.kernel().toString(), "-initrd", kit.initrd().toString(),
                "-chardev", "socket,id=con0,path=" + dir.resolve("con.sock") + ",server=on,wait=off,logfile="
                        + dir.resolve("console.log"),
                "-serial", "chardev:con0",
                "-chardev", "socket,id=qga0,path=" + dir.resolve("qga.sock") + ",server=on,wait=off",
                "-device", "isa-serial,chardev=qga0",
                "-qmp", "unix:" + dir.resolve("qmp.sock") + ",server=on,wait=off"));
        String append;
        switch (flavour) {
            case DEFAULT:
                append = "console=ttyS0";
                break;
            case DISK:
                a.addAll(List.of("-drive", "file=" + kit.disk() + ",format=raw,if=virtio,snapshot=on"));
                append = "console=ttyS0 root=/dev/vda";
                break;
            case KERNEL:
                a.addAll(List.of(
                        "-fsdev", "local,id=root9p,path=/,security_model=none,multidevs=remap",
                        "-device", "virtio-9p-pci,fsdev=root9p,mount_tag=virtioroot"));
                append = "ro rootfstype=9p rootflags=trans=virtio root=virtioroot console=ttyS0 init="
                        + kit.kernelInit();
                break;
            default:
                throw new IllegalArgumentException(flavour.toString());
        }
        a.addAll(List.of("-append", append));
        return List.copyOf(a);
    }

    Path consoleSocket() {
        return dir.resolve("con.sock");
    }

    Path qgaSocket() {
        return dir.resolve("qga.sock");
    }

    Path qmpSocket() {
        return dir.resolve("qmp.sock");
    }

    Process process() {
        return process;
    }

    /** Reads the console until the kit's marker is a line of its own; returns the console up to it. */
    String awaitMarker(Duration timeout) throws IOException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!console.readLine(deadline).equals(kit.marker())) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("QEMU exited with " + process.exitValue() + diagnostics());
                }
            }
        } catch (TimeoutException | IOException e) {
            throw new IllegalStateException(flavour + " guest printed no marker within " + timeout + ": "
                    + e.getMessage() + diagnostics(), e);
        }
        return console.received();
    }

    /**
     * Opens a qemu-ga session on the isa-serial socket and resynchronises as a client must (0xFF,
     * guest-sync-delimited with a random id, skip to the agent's 0xFF, then to the reply with that id).
     */
    Qga qga(Duration timeout) throws IOException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        UnixLines qga = UnixLines.connect(qgaSocket(), timeout);
        try {
            long id = ThreadLocalRandom.current().nextLong(1, Integer.MAX_VALUE);
            byte[] sync = ("{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":" + id + "}}\n")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] request = new byte[sync.length + 1];
            request[0] = (byte) 0xFF;
            System.arraycopy(sync, 0, request, 1, sync.length);
            qga.write(request);
            qga.skipPast((byte) 0xFF, deadline);
            while (true) {
                JsonNode reply = parse(qga.readLine(deadline));
                if (reply != null && reply.path("return").asLong(-1) == id) {
                    return new Qga(qga);
                }
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            qga.close();
            throw e;
        }
    }

    /** Sends one QMP command after the greeting and qmp_capabilities; returns its reply (events skipped). */
    JsonNode qmp(String command, Duration timeout) throws IOException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (UnixLines qmp = UnixLines.connect(qmpSocket(), timeout)) {
            while (parse(qmp.readLine(deadline)).get("QMP") == null) {
                // events before the greeting
            }
            qmp.writeLine("{\"execute\":\"qmp_capabilities\"}");
            replyTo(qmp, deadline);
            qmp.writeLine("{\"execute\":\"" + command + "\"}");
            return replyTo(qmp, deadline);
        }
    }

    private static JsonNode replyTo(UnixLines qmp, long deadline) throws IOException, TimeoutException {
        while (true) {
            JsonNode msg = parse(qmp.readLine(deadline));
            if (msg.has("return") || msg.has("error")) {
                return msg;
            }
        }
    }

    /** Waits for QEMU to exit; returns whether it did. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** QEMU's own output and the console log, for failure messages. */
    String diagnostics() {
        StringBuilder sb = new StringBuilder("\nQEMU: ").append(String.join(" ", argv));
        for (String name : new String[] {"qemu.out", "console.log"}) {
            Path f = dir.resolve(name);
            try {
                String s = Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "(none)";
                sb.append("\n--- ").append(name).append(" ---\n")
                        .append(s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s);
            } catch (IOException e) {
                sb.append("\n--- ").append(name).append(": ").append(e.getMessage());
            }
        }
        return sb.toString();
    }

    static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return JSON.nullNode();
        }
    }

    /** Kills QEMU (if still running) and waits for it; closes the console. */
    @Override
    public void close() throws IOException {
        try {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (console != null) {
                console.close();
            }
        }
    }

    /** A resynchronised qemu-ga session. Keep it open until a guest-shutdown has taken effect. */
    static final class Qga implements AutoCloseable {
        private final UnixLines lines;

        private Qga(UnixLines lines) {
            this.lines = lines;
        }

        /** Sends {@code json} and returns the next reply line. */
        String execute(String json, Duration timeout) throws IOException, TimeoutException {
            lines.writeLine(json);
            return lines.readLine(System.nanoTime() + timeout.toNanos());
        }

        /** Sends {@code json} without waiting (guest-shutdown sends no reply on success). */
        void send(String json) throws IOException {
            lines.writeLine(json);
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }
}
