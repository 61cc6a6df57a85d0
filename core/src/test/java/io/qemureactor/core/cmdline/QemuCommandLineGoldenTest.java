package io.qemureactor.core.cmdline;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.VmSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden tests: for specs equivalent to the seed's nested VM, kernel VM, vhost-user VM and aarch64
 * kernel VM, our argv equals (1) the reviewed file {@code golden/<case>.argv} and (2) the seed's own
 * argv ({@code golden/<case>.seed.argv}, derived by {@code golden/seed_argv.py}) transformed by the
 * deliberate differences D1..D13 of docs/command-line.md, and by nothing else.
 *
 * <p>To rewrite the {@code .argv} files after an intended change, run with {@code -Dgolden.update=true}
 * and review the diff.
 */
class QemuCommandLineGoldenTest {

    private static final String SEED_APPEND_PREFIX =
            "ro rootfstype=9p rootflags=trans=virtio root=virtioroot console=";

    @Test
    void nestedVmRendersTheSeedsArgvWithTheListedEdits() {
        VmSpec spec = GoldenSpecs.nestedVm();
        List<String> ours = renderAndCompareToGolden("nested-vm", spec);
        String run = "/tmp/qr/vnf1";
        List<String> seed = commonEdits(readLines("nested-vm.seed.argv"), "x86_64", 1, run)
                .replace("D6 management NIC as -netdev user + virtio-net-pci",
                        List.of("-net", "nic,macaddr=52:54:00:00:01:ff", "-net", "user,hostfwd=tcp::10022-:22"),
                        List.of("-netdev", "user,id=mgmt,hostfwd=tcp::10022-:22",
                                "-device", "virtio-net-pci,netdev=mgmt,mac=52:54:00:00:01:ff"))
                .replace("D4+D7 QMP socket in the run folder, server=on,wait=on",
                        List.of("-qmp", "unix:/var/run/qmp_1.sock,server,nowait"),
                        List.of("-qmp", "unix:" + run + "/qmp.sock,server=on,wait=on"))
                .replace("D8 serial console on a unix socket chardev",
                        List.of("-chardev", "socket,host=127.0.0.1,port=4556,id=gnc0,server,nowait",
                                "-device", "isa-serial,chardev=gnc0"),
                        List.of("-chardev", "socket,id=console,path=" + run + "/console.sock,server=on,wait=off,logfile=" + run + "/console.log",
                                "-serial", "chardev:console"))
                .replace("D4+D7 QGA socket in the run folder, server=on,wait=off",
                        List.of("-chardev", "socket,path=/var/run/qga_1.sock,server,nowait,id=qga0"),
                        List.of("-chardev", "socket,path=" + run + "/qga.sock,server=on,wait=off,id=qga0"))
                .result();
        assertThat(ours).containsExactlyElementsOf(seed);
    }

    @Test
    void kernelVmRendersTheSeedsArgvWithTheListedEdits() {
        List<String> ours = renderAndCompareToGolden("kernel-vm", GoldenSpecs.kernelVm());
        List<String> seed = kernelEdits(readLines("kernel-vm.seed.argv"), "x86_64", 2, "/tmp/qr/vnf2", "ttyS0")
                .result();
        assertThat(ours).containsExactlyElementsOf(seed);
    }

    @Test
    void vhostUserVmRendersTheSeedsArgvWithTheListedEdits() {
        List<String> ours = renderAndCompareToGolden("vhost-user-vm", GoldenSpecs.vhostUserVm());
        String offloads = "mq=on,vectors=%d,csum=off,gso=off,guest_tso4=off,guest_tso6=off,guest_ecn=off,";
        List<String> seed = kernelEdits(readLines("vhost-user-vm.seed.argv"), "x86_64", 3, "/tmp/qr/vnf3", "ttyS0")
                .replace("D12 memfd instead of /dev/hugepages (a spec choice: tests have no hugetlbfs)",
                        List.of("memory-backend-file,id=mem,size=2048M,mem-path=/dev/hugepages,share=on"),
                        List.of("memory-backend-memfd,id=mem,size=2048M,share=on"))
                .replace("D7 server=on instead of server",
                        List.of("socket,id=char1,path=/run/vpp/sock-3-1,server"),
                        List.of("socket,id=char1,path=/run/vpp/sock-3-1,server=on"))
                .replace("D11 no trailing comma when there is no queue size",
                        List.of("virtio-net-pci,netdev=vhost1,mac=52:54:00:00:03:01,addr=6.0,"
                                + offloads.formatted(4) + "mrg_rxbuf=off,"),
                        List.of("virtio-net-pci,netdev=vhost1,mac=52:54:00:00:03:01,addr=6.0,"
                                + offloads.formatted(4) + "mrg_rxbuf=off"))
                .result();
        assertThat(ours).containsExactlyElementsOf(seed);
        // the jumbo, queue-size NIC is byte-identical to the seed's
        assertThat(ours).contains("virtio-net-pci,netdev=vhost2,mac=52:54:00:00:03:02,addr=7.0,"
                + offloads.formatted(6) + "mrg_rxbuf=on,host_mtu=9200,rx_queue_size=1024,tx_queue_size=1024");
    }

    @Test
    void aarch64KernelVmRendersTheSeedsArgvOnTheVirtMachine() {
        List<String> ours = renderAndCompareToGolden("aarch64-kernel-vm", GoldenSpecs.aarch64KernelVm());
        List<String> seed = kernelEdits(readLines("aarch64-kernel-vm.seed.argv"), "aarch64", 4, "/tmp/qr/vnf4",
                "ttyAMA0").result();
        assertThat(ours).containsExactlyElementsOf(seed);
        assertThat(ours).contains("virt,accel=kvm,usb=off,mem-merge=off,gic-version=3");
    }

    /** D1-D5: what every seed command line loses or moves. */
    private static SeedEdits commonEdits(List<String> seed, String arch, int id, String run) {
        return SeedEdits.of(seed)
                .replace("D1 the emulator from the PATH, exec'd without sudo or a shell",
                        List.of("/usr/bin/qemu-system-" + arch), List.of("qemu-system-" + arch))
                .remove("D2 no -daemonize: QEMU is our child with a known pid", "-daemonize")
                .remove("D3 no -enable-kvm: -machine accel= says it", "-enable-kvm")
                .replace("D4 pidfile in the run folder",
                        List.of("-pidfile", "/var/run/qemu_" + id + ".pid"), List.of("-pidfile", run + "/qemu.pid"))
                .remove("D5 no -balloon none: removed from QEMU; -nodefaults adds no balloon", "-balloon", "none");
    }

    /** D1-D5 plus the kernel VM's D8 (console socket), D9 (QMP) and D10 (append without quotes, init= last). */
    private static SeedEdits kernelEdits(List<String> seed, String arch, int id, String run, String console) {
        String seedAppend = SEED_APPEND_PREFIX + console + " tsc=reliable hugepages=256 init=/etc/vm_init_" + id
                + ".conf fastboot";
        String ourAppend = SEED_APPEND_PREFIX + console + " tsc=reliable hugepages=256 fastboot init=/etc/vm_init_"
                + id + ".conf";
        return commonEdits(seed, arch, id, run)
                .replace("D17 9p share with multidevs=remap (no QEMU warning, stable inode numbers across host mounts)",
                        List.of("-fsdev", "local,id=root9p,path=/,security_model=none"),
                        List.of("-fsdev", "local,id=root9p,path=/,security_model=none,multidevs=remap"))
                .replace("D10 append: init= last (kernel parameters are order-free)",
                        List.of("-append", seedAppend), List.of("-append", ourAppend))
                .insertAfter("D9 the kernel VM gets a QMP socket too",
                        List.of("-append", ourAppend),
                        List.of("-qmp", "unix:" + run + "/qmp.sock,server=on,wait=on"))
                .remove("D8 console: no serial log file ...", "-serial", "file:/tmp/serial_" + id + ".log")
                .insertAfter("D8 ... but a unix socket chardev, after -qmp",
                        List.of("-qmp", "unix:" + run + "/qmp.sock,server=on,wait=on"),
                        List.of("-chardev", "socket,id=console,path=" + run + "/console.sock,server=on,wait=off,logfile=" + run + "/console.log",
                                "-serial", "chardev:console"));
    }

    private static List<String> renderAndCompareToGolden(String name, VmSpec spec) {
        List<String> argv = QemuCommandLine.render(spec, Accelerator.KVM, GoldenSpecs.layout(spec)).argv();
        if (Boolean.getBoolean("golden.update")) {
            try {
                Files.writeString(Path.of("src/test/resources/golden", name + ".argv"),
                        String.join("\n", argv) + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertThat(argv).as("golden/%s.argv", name).containsExactlyElementsOf(readLines(name + ".argv"));
        return argv;
    }

    static List<String> readLines(String resource) {
        try (InputStream in = QemuCommandLineGoldenTest.class.getResourceAsStream("/golden/" + resource)) {
            if (in == null) {
                throw new AssertionError("missing test resource golden/" + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
