package io.qemureactor.core.cmdline;

import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.BootSource;
import io.qemureactor.core.spec.ConsoleSpec;
import io.qemureactor.core.spec.DevicePlan;
import io.qemureactor.core.spec.MemoryBackend;
import io.qemureactor.core.spec.NicAssignment;
import io.qemureactor.core.spec.Smp;
import io.qemureactor.core.spec.UserNetwork;
import io.qemureactor.core.spec.VhostUserMode;
import io.qemureactor.core.spec.VhostUserNic;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.transport.PeerAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * A {@link VmSpec} rendered as QEMU's argv: a list handed to the process launcher as is, never joined
 * into a shell string, so paths with spaces or quotes need no quoting and values inside QEMU's
 * comma-separated options are escaped by {@link OptionEscaper}. It also tells the launcher which files
 * in the run folder QEMU will create, so both use the same paths.
 *
 * <p>The mapping from spec to arguments, and where it deliberately differs from the seed's
 * {@code QemuUtils.py}, is documented in {@code docs/command-line.md}. QEMU is not daemonized: the
 * launcher runs it as a child process and knows its pid without reading the pidfile.
 */
public final class QemuCommandLine {

    /** Linux's limit on a unix socket path: {@code sun_path} is 108 bytes including the terminating NUL. */
    public static final int MAX_UNIX_SOCKET_PATH_BYTES = PeerAddress.MAX_UNIX_PATH_BYTES;

    /** The MTU announced to the guest for jumbo frames, as the seed. */
    public static final int JUMBO_HOST_MTU = 9200;

    private static final Pattern NEEDS_QUOTES = Pattern.compile("[^A-Za-z0-9_./=:,+@%-]");

    private final VmSpec spec;
    private final Accelerator accelerator;
    private final RunLayout layout;
    private final List<String> argv;

    private QemuCommandLine(VmSpec spec, Accelerator accelerator, RunLayout layout, List<String> argv) {
        this.spec = spec;
        this.accelerator = accelerator;
        this.layout = layout;
        this.argv = List.copyOf(argv);
    }

    /**
     * Renders with the architecture's emulator from the PATH, e.g. {@code qemu-system-x86_64}. Pure: starts
     * nothing and touches no file.
     *
     * @param spec the validated spec
     * @param resolved KVM or TCG: the accelerator the launch pipeline settled on for a spec that may say AUTO
     * @param layout the VM's run folder, where the sockets and pidfile go
     * @return the command line
     * @throws IllegalArgumentException if {@code resolved} is AUTO or contradicts the spec's explicit choice
     */
    public static QemuCommandLine render(VmSpec spec, Accelerator resolved, RunLayout layout) {
        return render(spec, resolved, layout, spec.arch().qemuBinary());
    }

    /**
     * Renders {@code spec} for one run. Pure: starts nothing and touches no file.
     *
     * @param spec the validated spec
     * @param resolved KVM or TCG: the accelerator the launch pipeline settled on for a spec that may say AUTO
     * @param layout the VM's run folder, where the sockets and pidfile go
     * @param program the emulator, argv[0]
     * @return the command line
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if {@code resolved} is AUTO or contradicts the spec's explicit choice
     */
    public static QemuCommandLine render(VmSpec spec, Accelerator resolved, RunLayout layout, String program) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(resolved, "resolved");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(program, "program");
        if (!resolved.isResolved()) {
            throw new IllegalArgumentException("resolved accelerator must be KVM or TCG, not AUTO:"
                    + " resolve AUTO (probe KVM, fall back to TCG) before rendering " + spec.name());
        }
        if (spec.accelerator().isResolved() && spec.accelerator() != resolved) {
            throw new IllegalArgumentException("spec " + spec.name() + " asks for " + spec.accelerator()
                    + " but the command line was asked to use " + resolved);
        }
        List<String> a = new ArrayList<>();
        a.add(program);
        new Renderer(spec, resolved, layout, a).render();
        return new QemuCommandLine(spec, resolved, layout, a);
    }

    /** {@return the complete argv, program first} */
    public List<String> argv() {
        return argv;
    }

    /** {@return the emulator, argv[0]} */
    public String program() {
        return argv.get(0);
    }

    /** {@return the spec this command line renders} */
    public VmSpec spec() {
        return spec;
    }

    /** {@return the accelerator in {@code -machine accel=}, KVM or TCG} */
    public Accelerator accelerator() {
        return accelerator;
    }

    /** {@return the run folder the paths on this command line are in} */
    public RunLayout layout() {
        return layout;
    }

    /** {@return the QMP socket, always present: the engine needs QMP for vCPU threads and shutdown} */
    public Path qmpSocket() {
        return layout.qmpSocket();
    }

    /** {@return the QGA socket on the ISA serial port, if the spec has that channel} */
    public Optional<Path> qgaSocket() {
        return spec.qgaIsaSerial() ? Optional.of(layout.qgaSocket()) : Optional.empty();
    }

    /** {@return the QGA socket on virtio-serial, if the spec has that channel} */
    public Optional<Path> qgaVirtioSocket() {
        return spec.qgaVirtioSerial() ? Optional.of(layout.qgaVirtioSocket()) : Optional.empty();
    }

    /** {@return the serial console socket, for a socket console} */
    public Optional<Path> consoleSocket() {
        return spec.serialConsole() instanceof ConsoleSpec.UnixSocket
                ? Optional.of(layout.consoleSocket()) : Optional.empty();
    }

    /** {@return the serial console file, for a log-file console} */
    public Optional<Path> consoleLog() {
        return spec.serialConsole() instanceof ConsoleSpec.LogFile f
                ? Optional.of(f.path().orElse(layout.consoleLog())) : Optional.empty();
    }

    /** {@return QEMU's pidfile ({@code -pidfile}), written by QEMU once it runs} */
    public Path pidFile() {
        return layout.pidFile();
    }

    /** {@return every unix socket QEMU will listen on or connect to: ours in the run folder, then vhost-user ones} */
    public List<Path> unixSocketPaths() {
        List<Path> paths = new ArrayList<>();
        paths.add(qmpSocket());
        qgaSocket().ifPresent(paths::add);
        qgaVirtioSocket().ifPresent(paths::add);
        consoleSocket().ifPresent(paths::add);
        spec.vhostUserNics().forEach(n -> paths.add(n.socket()));
        return paths;
    }

    /**
     * Checks every unix socket path against Linux's 107-byte limit (counted in UTF-8 bytes, as the
     * kernel does), before anything is launched.
     *
     * @return this, for chaining
     * @throws UnixSocketPathTooLongException naming the first path that is too long and its length
     */
    public QemuCommandLine checkUnixSocketPaths() {
        List<Path> ours = new ArrayList<>(unixSocketPaths());
        for (int i = 0; i < ours.size(); i++) {
            Path p = ours.get(i);
            int len = p.toString().getBytes(StandardCharsets.UTF_8).length;
            if (len > MAX_UNIX_SOCKET_PATH_BYTES) {
                String role = roleOf(p);
                throw new UnixSocketPathTooLongException(role, p, len, MAX_UNIX_SOCKET_PATH_BYTES);
            }
        }
        return this;
    }

    private String roleOf(Path p) {
        if (p.equals(qmpSocket())) {
            return "QMP";
        }
        if (p.equals(layout.qgaSocket()) || p.equals(layout.qgaVirtioSocket())) {
            return "QGA";
        }
        if (p.equals(layout.consoleSocket())) {
            return "serial console";
        }
        List<VhostUserNic> nics = spec.vhostUserNics();
        for (int i = 0; i < nics.size(); i++) {
            if (nics.get(i).socket().equals(p)) {
                return "vhostUser[" + i + "]";
            }
        }
        return "unix";
    }

    /** A copy-pasteable rendering for logs and error messages; never executed. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (String arg : argv) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(NEEDS_QUOTES.matcher(arg).find() || arg.isEmpty()
                    ? "'" + arg.replace("'", "'\\''") + "'" : arg);
        }
        return sb.toString();
    }

    /**
     * One rendering pass. Every PCI device's ids, MAC and slot come from the spec's {@link DevicePlan}, and the
     * devices are taken from the plan in its order ({@link #next}): a renderer that emitted them in another
     * order than the one the spec's validation placed them in would fail here, not boot a different VM.
     */
    private static final class Renderer {
        private final VmSpec spec;
        private final Accelerator accel;
        private final RunLayout layout;
        private final List<String> a;
        /** The plan's devices not rendered yet, in QEMU's creation order. */
        private final Deque<DevicePlan.Device> pending;

        Renderer(VmSpec spec, Accelerator accel, RunLayout layout, List<String> a) {
            this.spec = spec;
            this.accel = accel;
            this.layout = layout;
            this.a = a;
            this.pending = new ArrayDeque<>(spec.devicePlan().devices());
        }

        void render() {
            defaults();
            machine();
            memory();
            networks();
            bootSource();
            // wait=on: QEMU accepts its first QMP client on the main thread, during start-up, and only then moves the
            // monitor to its I/O thread. With wait=off, QEMU 7.2 can accept a client that connects during start-up on
            // both threads: one session in a few hundred then never gets replies (its main thread stays blocked in
            // accept) or receives two greetings (docs/BENCHMARKS.md, "Lifecycle soak"). The launcher connects first
            // thing anyway; whoever starts this argv without a QMP client must set wait=off.
            opt("-qmp", "unix:" + OptionEscaper.escape(layout.qmpSocket().toString()) + ",server=on,wait=on");
            console();
            guestAgent();
            vhostUser();
            // the disk's virtio-blk comes from -drive, rendered above, but QEMU creates it after every -device
            if (spec.bootSource() instanceof BootSource.DiskImage) {
                next(DevicePlan.Role.DISK);
            }
            if (!pending.isEmpty()) {
                throw new IllegalStateException(spec.name() + ": the command line did not render the planned "
                        + pending.peek().field());
            }
            a.addAll(spec.extraArgs());
        }

        /** The plan's next device, which must be a {@code role}: the renderer emits devices in the plan's order. */
        private DevicePlan.Device next(DevicePlan.Role role) {
            DevicePlan.Device d = pending.poll();
            if (d == null || d.role() != role) {
                throw new IllegalStateException(spec.name() + ": the command line renders a " + role
                        + " where the device plan has " + (d == null ? "nothing" : d.field() + " (" + d.role() + ")"));
            }
            return d;
        }

        /** The NIC of the plan's next device, which must be a {@code role}. */
        private NicAssignment nextNic(DevicePlan.Role role) {
            return next(role).nic().orElseThrow();
        }

        private void opt(String option, Object value) {
            a.add(option);
            a.add(value.toString());
        }

        private void defaults() {
            a.add("-nodefaults");
            opt("-name", QemuOptionValue.of(spec.name()).raw("debug-threads=on"));
            a.add("-no-user-config");
            opt("-monitor", "none");
            opt("-display", "none");
            opt("-vga", "none");
            opt("-pidfile", layout.pidFile());
        }

        private void machine() {
            opt("-cpu", spec.cpuModel().orElse(accel.defaultCpuModel()));
            opt("-machine", spec.arch().machineType() + ",accel=" + accel.qemuName() + ",usb=off,mem-merge=off"
                    + spec.arch().machineSuffix());
            Smp smp = spec.smp();
            opt("-smp", smp.vcpus() + ",sockets=" + smp.sockets() + ",cores=" + smp.cores() + ",threads="
                    + smp.threads());
        }

        private void memory() {
            String size = spec.memoryMib() + "M";
            MemoryBackend backend = spec.memoryBackend();
            QemuOptionValue object;
            if (backend instanceof MemoryBackend.HugepageFile h) {
                object = QemuOptionValue.of("memory-backend-file").raw("id=mem").raw("size=" + size)
                        .with("mem-path", h.mountPath()).raw("share=on");
            } else if (backend instanceof MemoryBackend.RamFile f) {
                object = QemuOptionValue.of("memory-backend-file").raw("id=mem").raw("size=" + size)
                        .with("mem-path", f.path()).flag("share", f.share());
            } else if (backend instanceof MemoryBackend.Memfd) {
                object = QemuOptionValue.of("memory-backend-memfd").raw("id=mem").raw("size=" + size)
                        .raw("share=on");
            } else {
                object = QemuOptionValue.of("memory-backend-ram").raw("id=mem").raw("size=" + size);
            }
            opt("-object", object);
            opt("-m", size);
            opt("-numa", "node,memdev=mem");
        }

        private void networks() {
            Optional<UserNetwork> user = spec.userNetwork();
            if (user.isPresent()) {
                UserNetwork u = user.get();
                NicAssignment mgmt = nextNic(DevicePlan.Role.MANAGEMENT_NIC);
                QemuOptionValue netdev = QemuOptionValue.of("user").raw("id=" + mgmt.netdevId());
                if (u.sshHostPort().isPresent()) {
                    netdev.raw("hostfwd=tcp:" + u.hostBindAddress().orElse("") + ":" + u.sshHostPort().getAsInt()
                            + "-:22");
                }
                opt("-netdev", netdev);
                opt("-device", "virtio-net-pci,netdev=" + mgmt.netdevId() + ",mac=" + mgmt.mac());
            }
            for (int i = 0; i < spec.virtioNics().size(); i++) {
                NicAssignment nic = nextNic(DevicePlan.Role.VIRTIO_NIC);
                opt("-netdev", "user,id=" + nic.netdevId());
                opt("-device", "virtio-net-pci,netdev=" + nic.netdevId() + ",mac=" + nic.mac()
                        + pciAddr(nic.pciSlot()));
            }
        }

        private void bootSource() {
            BootSource boot = spec.bootSource();
            if (boot instanceof BootSource.DiskImage d) {
                QemuOptionValue drive = QemuOptionValue.of("file=" + d.path()).raw("format=" + d.format())
                        .raw("cache=" + d.cache().qemuName()).raw("if=virtio").raw("file.locking=off");
                if (d.snapshot()) {
                    drive.raw("snapshot=on");
                }
                opt("-drive", drive);
                d.directKernel().ifPresent(this::kernel);
            } else if (boot instanceof BootSource.KernelBoot k) {
                kernel(k);
            }
        }

        private void kernel(BootSource.KernelBoot k) {
            {
                k.ninePRoot().ifPresent(root -> {
                    next(DevicePlan.Role.NINE_P_ROOT);
                    opt("-fsdev", QemuOptionValue.of("local").raw("id=root9p").with("path", root.hostPath())
                            .raw("security_model=none").raw("multidevs=remap"));
                    opt("-device", "virtio-9p-pci,fsdev=root9p,mount_tag=" + root.mountTag());
                });
                opt("-kernel", k.kernel());
                k.initrd().ifPresent(initrd -> opt("-initrd", initrd));
                List<String> append = new ArrayList<>();
                k.ninePRoot().ifPresent(root -> append.add(
                        "ro rootfstype=9p rootflags=trans=virtio root=" + root.mountTag()));
                if (!(spec.serialConsole() instanceof ConsoleSpec.None)) {
                    append.add("console=" + spec.arch().consoleDevice());
                }
                if (!k.append().isEmpty()) {
                    append.add(k.append());
                }
                k.ninePRoot().ifPresent(root -> append.add("init=" + root.initPath()));
                if (!append.isEmpty()) {
                    opt("-append", String.join(" ", append));
                }
            }
        }

        private void console() {
            ConsoleSpec console = spec.serialConsole();
            if (console instanceof ConsoleSpec.UnixSocket) {
                // logfile: QEMU keeps the whole console in a file too, also what the guest printed while
                // no client was connected, for diagnostics after a failed boot
                opt("-chardev", QemuOptionValue.of("socket").raw("id=console").with("path", layout.consoleSocket())
                        .raw("server=on").raw("wait=off").with("logfile", layout.consoleLog()));
                opt("-serial", "chardev:console");
            } else if (console instanceof ConsoleSpec.LogFile f) {
                opt("-chardev", QemuOptionValue.of("file").raw("id=console")
                        .with("path", f.path().orElse(layout.consoleLog())));
                opt("-serial", "chardev:console");
            }
        }

        private void guestAgent() {
            if (spec.qgaIsaSerial()) {
                opt("-chardev", QemuOptionValue.of("socket").with("path", layout.qgaSocket()).raw("server=on")
                        .raw("wait=off").raw("id=qga0"));
                opt("-device", "isa-serial,chardev=qga0");
            }
            if (spec.qgaVirtioSerial()) {
                next(DevicePlan.Role.VIRTIO_SERIAL);
                opt("-device", "virtio-serial-pci");
                opt("-chardev", QemuOptionValue.of("socket").raw("id=qga1").with("path", layout.qgaVirtioSocket())
                        .raw("server=on").raw("wait=off"));
                opt("-device", "virtserialport,chardev=qga1,name=org.qemu.guest_agent.0");
            }
        }

        private void vhostUser() {
            List<VhostUserNic> nics = spec.vhostUserNics();
            for (int i = 0; i < nics.size(); i++) {
                VhostUserNic nic = nics.get(i);
                NicAssignment as = nextNic(DevicePlan.Role.VHOST_USER_NIC);
                int n = i + 1;
                QemuOptionValue chardev = QemuOptionValue.of("socket").raw("id=char" + n).with("path", nic.socket());
                if (nic.mode() == VhostUserMode.SERVER) {
                    chardev.raw("server=on");
                }
                opt("-chardev", chardev);
                opt("-netdev", "vhost-user,id=" + as.netdevId() + ",chardev=char" + n + ",queues=" + nic.queues());
                StringBuilder device = new StringBuilder("virtio-net-pci,netdev=").append(as.netdevId())
                        .append(",mac=").append(as.mac())
                        .append(pciAddr(as.pciSlot()))
                        .append(",mq=on,vectors=").append(vhostUserVectors(nic))
                        .append(",csum=off,gso=off,guest_tso4=off,guest_tso6=off,guest_ecn=off,mrg_rxbuf=")
                        .append(nic.jumboFrames() ? "on,host_mtu=" + JUMBO_HOST_MTU : "off");
                nic.queueSize().ifPresent(size -> device.append(",rx_queue_size=").append(size)
                        .append(",tx_queue_size=").append(size));
                opt("-device", device);
            }
        }

        /**
         * The seed's MSI-X vectors, except under TCG: QEMU 7.2's TCG segfaults ({@code segfault at 28 ... in
         * qemu-system-x86_64}) as soon as the guest's virtio_net driver sets up a vhost-user virtio-net-pci
         * device with MSI-X; {@code vectors=0} (legacy INTx interrupts) works. KVM keeps the vectors, which
         * the multi-queue performance depends on. See docs/datapath.md.
         */
        private int vhostUserVectors(VhostUserNic nic) {
            return accel == Accelerator.TCG ? 0 : nic.vectors();
        }

        /** {@code ,addr=<slot>.0} with the slot in hex, which is how QEMU parses it (docs/command-line.md, D13). */
        private static String pciAddr(OptionalInt slot) {
            return slot.isPresent() ? ",addr=" + Integer.toHexString(slot.getAsInt()) + ".0" : "";
        }
    }
}
