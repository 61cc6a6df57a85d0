package io.qemureactor.core.launch;

import io.qemureactor.core.host.CommandResult;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.HostProcess;
import io.qemureactor.core.host.Reaper;
import io.qemureactor.core.host.OutputTail;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.publisher.Mono;

/**
 * Finds out whether KVM really runs a guest on a host, quickly, and remembers the verdict per
 * host and CPU model.
 *
 * <p>{@code /dev/kvm} existing, and even QMP's {@code query-kvm} saying "enabled", is not enough:
 * on some machines (nested virtualisation without the right MSRs) QEMU aborts with {@code -cpu
 * host} or the guest hangs. So the probe boots a real guest: a 64 KiB firmware image whose reset
 * vector writes to an {@code isa-debug-exit} port, which makes QEMU exit with status
 * {@code (0x31 << 1) | 1 = 99}. Any other outcome (an abort, an error, or no exit within the
 * bound, enforced by coreutils {@code timeout} on the host so that it also holds over SSH) means
 * KVM is not usable. It costs about 0.1 s.
 *
 * <p>The probe runs the reset vector in real mode only; a KVM that fails later in a guest's boot
 * with a CPU model that passes here is not detected. {@code auto} uses {@code -cpu host}, which
 * is the model that fails on the machines we know.
 */
public final class KvmProbe {

    static final int EXIT_CODE = 99;
    private static final int RESET_VECTOR = 0xFFF0;
    private static final int FIRMWARE_SIZE = 64 * 1024;
    private static final int TIMEOUT_EXIT = 124;

    private final Duration bound;
    private final Map<String, Mono<KvmVerdict>> verdicts = new ConcurrentHashMap<>();

    /**
     * A probe whose guest must exit within {@code bound}.
     *
     * @param bound the time limit of one probe run on the host
     */
    public KvmProbe(Duration bound) {
        this.bound = Objects.requireNonNull(bound, "bound");
    }

    /**
     * A probe with a 5 s bound.
     */
    public KvmProbe() {
        this(Duration.ofSeconds(5));
    }

    /**
     * The verdict for {@code host} and {@code cpuModel}, probing once and then from the cache.
     *
     * @param workDir a folder on the host the probe may write its firmware file into
     * @param host the host to probe
     * @param qemuBinary the QEMU binary to run the probe guest with
     * @param cpuModel the {@code -cpu} model to probe, e.g. {@code host}
     * @return a Mono of the verdict, cached per host, binary and CPU model (the probe runs once, on first
     *     subscription, and its outcome is kept, an error included); a probe guest that fails is an unusable
     *     verdict, while a host error (unreachable, QEMU missing) fails the Mono
     */
    public Mono<KvmVerdict> verdict(Host host, String qemuBinary, String cpuModel, String workDir) {
        String key = host.name() + "|" + qemuBinary + "|" + cpuModel;
        return verdicts.computeIfAbsent(key, k -> probe(host, qemuBinary, "kvm", cpuModel, workDir).cache());
    }

    /** Runs the probe guest under {@code accel} (tests run it under TCG to see that the probe itself works). */
    Mono<KvmVerdict> probe(Host host, String qemuBinary, String accel, String cpuModel, String workDir) {
        Mono<Boolean> deviceUsable = "kvm".equals(accel)
                ? host.exec(List.of("test", "-w", "/dev/kvm")).map(CommandResult::succeeded)
                : Mono.just(true);
        return deviceUsable.flatMap(usable -> usable
                ? Mono.defer(() -> runProbeGuest(host, qemuBinary, accel, cpuModel, workDir + "/kvm-probe-"
                        + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1)))
                : Mono.just(KvmVerdict.unusable("/dev/kvm is missing or not writable on " + host.name())));
    }

    /**
     * The probe guest in a private folder of its own, like any VM: the folder, then the process, go to the host's
     * {@link Reaper} before they exist (a JVM killed while the probe runs leaves no QEMU: the reaper stops
     * every process whose argv names the folder), and the folder is removed once the verdict is in, or the
     * probe was cancelled (its process killed first).
     */
    private Mono<KvmVerdict> runProbeGuest(Host host, String qemuBinary, String accel, String cpuModel, String folder) {
        String firmware = folder + "/kvm-probe.bin";
        List<String> argv = List.of("timeout", "-s", "KILL", Long.toString(Math.max(1, bound.toSeconds())),
                qemuBinary, "-machine", "pc,accel=" + accel, "-cpu", cpuModel, "-nodefaults", "-no-user-config",
                "-display", "none", "-bios", firmware, "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04");
        Mono<Void> removeFolder = host.deleteFolder(folder).onErrorResume(e -> Mono.empty());
        return Mono.usingWhen(host.reaper().trackFolder(folder),
                entry -> host.createPrivateFolder(folder)
                        .then(host.writeFile(firmware, firmware(), PosixFilePermissions.fromString("rw-------")))
                        .then(Mono.usingWhen(host.start(argv, folder + "/probe.log"),
                                p -> entry.addProcess(p.pid()).then(p.onExit())
                                        .flatMap(code -> p.outputTail().onErrorReturn("").map(tail -> judge(code, tail))),
                                p -> Mono.empty(),
                                (p, e) -> killAndWait(p),
                                KvmProbe::killAndWait)),
                entry -> removeFolder.then(entry.forget()),
                (entry, e) -> removeFolder.then(entry.forget()),
                entry -> removeFolder.then(entry.forget()));
    }

    private static Mono<Void> killAndWait(HostProcess p) {
        return p.kill().onErrorResume(e -> Mono.empty()).then(p.onExit()).then();
    }

    private static KvmVerdict judge(int exitCode, String output) {
        if (exitCode == EXIT_CODE) {
            return KvmVerdict.works();
        }
        if (exitCode == TIMEOUT_EXIT || exitCode == 128 + 9) {
            return KvmVerdict.unusable("a probe guest hung under KVM");
        }
        String why = OutputTail.lastLines(output, 1);
        return KvmVerdict.unusable("a probe guest failed under KVM (exit " + exitCode + (why.isEmpty() ? "" : ": " + why) + ")");
    }

    /** 64 KiB of {@code hlt}, with {@code mov al,0x31; out 0xf4,al; hlt} at the reset vector. */
    static byte[] firmware() {
        byte[] image = new byte[FIRMWARE_SIZE];
        java.util.Arrays.fill(image, (byte) 0xF4);
        byte[] code = {(byte) 0xB0, 0x31, (byte) 0xE6, (byte) 0xF4, (byte) 0xF4};
        System.arraycopy(code, 0, image, RESET_VECTOR, code.length);
        return image;
    }
}
