package io.qemureactor.cli;

import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.function.InvalidFunctionConfigException;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.BootSource;
import io.qemureactor.core.spec.DiskCache;
import io.qemureactor.core.spec.InvalidVmSpecException;
import io.qemureactor.core.spec.VmSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * {@code boot}'s options turned into fleet members: what boots (the test guest in a flavour, the user's
 * kernel, or a disk image), each VM's spec, and the probe that says it is up. The options are checked
 * by {@code boot} before they get here.
 *
 * @param guest the guest's shape
 * @param kernel {@code --kernel}, or null
 * @param initrd {@code --initrd}, or null
 * @param image {@code --image}, or null
 * @param nics {@code --nics}
 * @param readySignal {@code --probe}, or null for the default
 * @param marker {@code --marker}, or null for the default
 * @param timeout how long each VM may take to be ready
 */
record BootSpecs(GuestOptions guest, Path kernel, Path initrd, Path image, int nics, ReadySignal readySignal, String marker,
                 Duration timeout) {

    /** The guest's line that says it is up, when the test guest kit is not there to say it. */
    static final String DEFAULT_MARKER = "qemu-reactor-guest: ready";

    /** What {@code --probe} waits for: the guest agent, or a marker line on the serial console. */
    enum ReadySignal { QGA, SERIAL }

    /**
     * VMs 1..{@code count}, each probed by {@link #probe}, or running {@code fn} when it is not null; the test
     * guest kit is located (built, the first time) only when they boot the test guest.
     */
    Mono<List<FleetMember>> members(QemuLauncher launcher, BootFunction fn, int count) {
        if (image != null || kernel != null) {
            return Mono.fromCallable(() -> members(launcher, fn, count, source(), Pattern.quote(DEFAULT_MARKER)));
        }
        return GuestKits.located().map(kit -> members(launcher, fn, count,
                GuestSpecs.source(kit, guest.flavour(), guest.extraAppend()), Pattern.quote(kit.marker())));
    }

    private List<FleetMember> members(QemuLauncher launcher, BootFunction fn, int count, BootSource source,
                                      String defaultMarker) {
        BootProbe probe = fn == null ? probe(defaultMarker) : null;
        List<FleetMember> members = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            VmSpec.Builder b = builder(id, source);
            try {
                members.add(fn == null ? FleetMember.of(b.build(), probe) : fn.member(launcher, b));
            } catch (InvalidVmSpecException e) {
                throw FailureText.invalidSpec(e);
            } catch (InvalidFunctionConfigException e) {
                throw CliFailure.usage("--function: " + e.getMessage());
            }
        }
        return members;
    }

    private VmSpec.Builder builder(int id, BootSource source) {
        VmSpec.Builder b = guest.builder(id, source);
        if (image != null) {
            // a distribution's qemu-ga listens on the virtio-serial port by default
            b.qgaIsaSerial(false).qgaVirtioSerial(true);
        }
        return GuestSpecs.withNics(b, nics);
    }

    /** {@code --image} or {@code --kernel} (the test guest's source is the kit's, see {@link #members}). */
    private BootSource source() {
        if (image != null) {
            Path path = image.toAbsolutePath().normalize();
            String format = path.getFileName() != null && path.getFileName().toString().endsWith(".qcow2") ? "qcow2" : "raw";
            return BootSource.diskImage(path, format, DiskCache.NONE).withSnapshot();
        }
        return BootSource.kernel(kernel.toAbsolutePath().normalize(),
                initrd == null ? null : initrd.toAbsolutePath().normalize(), guest.extraAppend());
    }

    /**
     * The agent for an image (a distribution runs one), else the console marker: {@code --marker}, or
     * {@code defaultMarker} (a regex: the test guest's, or {@link #DEFAULT_MARKER} for the user's kernel).
     */
    private BootProbe probe(String defaultMarker) {
        ReadySignal kind = readySignal != null ? readySignal : image != null ? ReadySignal.QGA : ReadySignal.SERIAL;
        if (kind == ReadySignal.QGA) {
            return BootProbe.qga().withTimeout(timeout);
        }
        return BootProbe.serialMarker(marker != null ? marker : defaultMarker).withTimeout(timeout);
    }
}
