package io.qemureactor.core.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Everything needed to start one QEMU VM, independent of the host it runs on and of the run folder
 * (see {@code QemuCommandLine}). Immutable; made by {@link #builder()}, whose {@link Builder#build()}
 * validates the whole spec and reports every problem at once, each naming its field.
 *
 * <p>The spec keeps what was asked for (e.g. a NIC without a MAC) and, in {@link #nics()}, what the
 * guest will get after the seed's defaults are applied (the MAC {@code 52:54:00:00:<id>:<nic>}, the PCI
 * slot {@code nic+5}), so the command line and the launcher agree on them.
 */
public final class VmSpec {

    /** The smallest guest RAM we accept: a modern kernel with virtio and 9p does not boot in less. */
    public static final int MIN_MEMORY_MIB = 128;
    public static final int MAX_MEMORY_MIB = 1024 * 1024;
    public static final int MAX_VCPUS = 255;
    public static final int MAX_VHOST_USER_QUEUES = 64;
    /** The seed's management NIC octet: {@code 52:54:00:00:<vm>:ff}. */
    public static final int MANAGEMENT_NIC_OCTET = 0xff;
    /** First MAC octet of the extra virtio NICs, clear of the vhost-user NICs (1, 2, ...). */
    public static final int VIRTIO_NIC_OCTET_BASE = 0x80;
    /** vhost-user NIC n (1-based) sits in PCI slot n + 5, where the seed's guest configs look for it. */
    public static final int VHOST_USER_SLOT_OFFSET = 5;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern CPU_MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+=,-]*");
    private static final Pattern DISK_FORMAT = Pattern.compile("[a-z0-9]+");
    private static final Pattern MOUNT_TAG = Pattern.compile("[A-Za-z0-9_-]{1,31}");
    private static final Pattern BIND_ADDRESS = Pattern.compile("[A-Za-z0-9.]+");

    private final int id;
    private final String name;
    private final Arch arch;
    private final Smp smp;
    private final int memoryMib;
    private final MemoryBackend memoryBackend;
    private final Accelerator accelerator;
    private final Optional<String> cpuModel;
    private final BootSource bootSource;
    private final Optional<UserNetwork> userNetwork;
    private final List<VirtioNic> virtioNics;
    private final List<VhostUserNic> vhostUserNics;
    private final SerialConsole serialConsole;
    private final boolean qgaIsaSerial;
    private final boolean qgaVirtioSerial;
    private final List<String> extraArgs;
    private final List<NicAssignment> nics;

    private VmSpec(Builder b, List<NicAssignment> nics) {
        this.id = b.id;
        this.name = b.name != null ? b.name : "vm" + b.id;
        this.arch = b.arch;
        this.smp = b.smp;
        this.memoryMib = b.memoryMib;
        this.memoryBackend = b.memoryBackend;
        this.accelerator = b.accelerator;
        this.cpuModel = Optional.ofNullable(b.cpuModel);
        this.bootSource = b.bootSource;
        this.userNetwork = Optional.ofNullable(b.userNetwork);
        this.virtioNics = List.copyOf(b.virtioNics);
        this.vhostUserNics = List.copyOf(b.vhostUserNics);
        this.serialConsole = b.serialConsole;
        this.qgaIsaSerial = b.qgaIsaSerial;
        this.qgaVirtioSerial = b.qgaVirtioSerial;
        this.extraArgs = List.copyOf(b.extraArgs);
        this.nics = List.copyOf(nics);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this spec's values, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder().id(id).name(name).arch(arch).smp(smp).memoryMib(memoryMib)
                .memoryBackend(memoryBackend).accelerator(accelerator).bootSource(bootSource)
                .serialConsole(serialConsole).qgaIsaSerial(qgaIsaSerial).qgaVirtioSerial(qgaVirtioSerial);
        cpuModel.ifPresent(b::cpuModel);
        userNetwork.ifPresent(b::userNetwork);
        virtioNics.forEach(b::addVirtioNic);
        vhostUserNics.forEach(b::addVhostUserNic);
        b.extraArgs.addAll(extraArgs);
        return b;
    }

    /** The seed's {@code qemu_id}: 1..255, used in default MACs and names. */
    public int id() {
        return id;
    }

    /** The VM's name, {@code vm<id>} unless given; QEMU's {@code -name}. */
    public String name() {
        return name;
    }

    public Arch arch() {
        return arch;
    }

    public Smp smp() {
        return smp;
    }

    public int memoryMib() {
        return memoryMib;
    }

    public MemoryBackend memoryBackend() {
        return memoryBackend;
    }

    /** The accelerator asked for, possibly {@link Accelerator#AUTO}. */
    public Accelerator accelerator() {
        return accelerator;
    }

    /** The CPU model asked for; empty means the resolved accelerator's default (host or max). */
    public Optional<String> cpuModel() {
        return cpuModel;
    }

    public BootSource bootSource() {
        return bootSource;
    }

    public Optional<UserNetwork> userNetwork() {
        return userNetwork;
    }

    public List<VirtioNic> virtioNics() {
        return virtioNics;
    }

    public List<VhostUserNic> vhostUserNics() {
        return vhostUserNics;
    }

    public SerialConsole serialConsole() {
        return serialConsole;
    }

    /** QGA on the second ISA UART (the guest's ttyS1), the seed's wiring. */
    public boolean qgaIsaSerial() {
        return qgaIsaSerial;
    }

    /** QGA on a virtio-serial port named {@code org.qemu.guest_agent.0}, the agent's default channel. */
    public boolean qgaVirtioSerial() {
        return qgaVirtioSerial;
    }

    /** Raw arguments appended after everything else, unescaped: the escape hatch. */
    public List<String> extraArgs() {
        return extraArgs;
    }

    /**
     * Every NIC with its netdev id, MAC and PCI slot after defaults: the management NIC first, then
     * the extra virtio NICs, then the vhost-user NICs, in the order they were added.
     */
    public List<NicAssignment> nics() {
        return nics;
    }

    /** The NIC assignments of one kind, in order. */
    public List<NicAssignment> nics(NicAssignment.NicKind kind) {
        return nics.stream().filter(n -> n.kind() == kind).toList();
    }

    @Override
    public String toString() {
        return "VmSpec[" + name + " (id " + id + "), " + arch + ", " + smp.vcpus() + " vCPU, " + memoryMib
                + " MiB, " + bootSource.getClass().getSimpleName() + ", " + nics.size() + " NIC(s)]";
    }

    /**
     * Collects a spec. Defaults: x86_64, one vCPU, 512 MiB (the seed's) of memfd memory (shared, so
     * vhost-user works, and needs no hugetlbfs mount), accelerator AUTO, socket serial console, QGA on
     * the ISA serial port, no networking. {@link #id(int)} and a boot source are required.
     */
    public static final class Builder {
        private int id;
        private String name;
        private Arch arch = Arch.X86_64;
        private Smp smp = Smp.cores(1);
        private int memoryMib = 512;
        private MemoryBackend memoryBackend = MemoryBackend.memfd();
        private Accelerator accelerator = Accelerator.AUTO;
        private String cpuModel;
        private BootSource bootSource;
        private UserNetwork userNetwork;
        private final List<VirtioNic> virtioNics = new ArrayList<>();
        private final List<VhostUserNic> vhostUserNics = new ArrayList<>();
        private SerialConsole serialConsole = SerialConsole.unixSocket();
        private boolean qgaIsaSerial = true;
        private boolean qgaVirtioSerial;
        private final List<String> extraArgs = new ArrayList<>();

        private Builder() {
        }

        public Builder id(int vmId) {
            this.id = vmId;
            return this;
        }

        public Builder name(String vmName) {
            this.name = vmName;
            return this;
        }

        public Builder arch(Arch value) {
            this.arch = value;
            return this;
        }

        public Builder smp(Smp value) {
            this.smp = value;
            return this;
        }

        /** One socket of {@code cores} single-threaded cores, as the seed's {@code smp}. */
        public Builder smp(int cores) {
            return smp(Smp.cores(cores));
        }

        public Builder memoryMib(int mib) {
            this.memoryMib = mib;
            return this;
        }

        public Builder memoryBackend(MemoryBackend value) {
            this.memoryBackend = value;
            return this;
        }

        public Builder accelerator(Accelerator value) {
            this.accelerator = value;
            return this;
        }

        /** A QEMU CPU model (optionally with features, {@code max,-pdpe1gb}); default host/max. */
        public Builder cpuModel(String model) {
            this.cpuModel = model;
            return this;
        }

        public Builder bootSource(BootSource value) {
            this.bootSource = value;
            return this;
        }

        /** Boot a raw image with cache=none, like the seed's nested VM. */
        public Builder diskImage(Path image) {
            return bootSource(BootSource.diskImage(image));
        }

        public Builder kernel(BootSource.KernelBoot kernel) {
            return bootSource(kernel);
        }

        public Builder userNetwork(UserNetwork value) {
            this.userNetwork = value;
            return this;
        }

        public Builder addVirtioNic(VirtioNic nic) {
            this.virtioNics.add(nic);
            return this;
        }

        public Builder addVhostUserNic(VhostUserNic nic) {
            this.vhostUserNics.add(nic);
            return this;
        }

        public Builder serialConsole(SerialConsole value) {
            this.serialConsole = value;
            return this;
        }

        public Builder qgaIsaSerial(boolean on) {
            this.qgaIsaSerial = on;
            return this;
        }

        public Builder qgaVirtioSerial(boolean on) {
            this.qgaVirtioSerial = on;
            return this;
        }

        /** No guest agent channel at all (the seed's kernel VM had none). */
        public Builder noGuestAgent() {
            return qgaIsaSerial(false).qgaVirtioSerial(false);
        }

        /** Appends raw QEMU arguments, rendered last and verbatim. */
        public Builder extraArgs(String... args) {
            this.extraArgs.addAll(Arrays.asList(args));
            return this;
        }

        /**
         * Validates everything and returns the spec.
         *
         * @throws InvalidVmSpecException listing every problem, each prefixed by its field
         */
        public VmSpec build() {
            List<String> v = new ArrayList<>();
            validateIdentity(v);
            validateCpuAndMemory(v);
            validateBootSource(v);
            List<NicAssignment> nics = validateNics(v);
            validateConsoleAndAgent(v);
            validatePciSlots(v);
            for (int i = 0; i < extraArgs.size(); i++) {
                if (extraArgs.get(i) == null) {
                    v.add("extraArgs[" + i + "]: must not be null");
                }
            }
            if (!v.isEmpty()) {
                throw new InvalidVmSpecException(name != null ? name : "vm" + id, v);
            }
            return new VmSpec(this, nics);
        }

        private void validateIdentity(List<String> v) {
            if (id < 1 || id > 255) {
                v.add("id: " + id + " is outside 1..255 (it is one MAC octet); set id(1..255)");
            }
            if (name != null && !NAME.matcher(name).matches()) {
                v.add("name: '" + name + "' must be 1-63 letters, digits, '.', '_' or '-', starting with a letter"
                        + " or digit");
            }
            if (arch == null) {
                v.add("arch: required (X86_64 or AARCH64)");
            }
            if (accelerator == null) {
                v.add("accelerator: required (AUTO, KVM or TCG)");
            }
        }

        private void validateCpuAndMemory(List<String> v) {
            if (smp == null) {
                v.add("smp: required, e.g. smp(1)");
            } else {
                if (smp.sockets() < 1) {
                    v.add("smp.sockets: " + smp.sockets() + " must be >= 1");
                }
                if (smp.cores() < 1) {
                    v.add("smp.cores: " + smp.cores() + " must be >= 1");
                }
                if (smp.threads() < 1) {
                    v.add("smp.threads: " + smp.threads() + " must be >= 1");
                }
                long vcpus = (long) smp.sockets() * smp.cores() * smp.threads();
                if (smp.sockets() >= 1 && smp.cores() >= 1 && smp.threads() >= 1 && vcpus > MAX_VCPUS) {
                    v.add("smp: sockets*cores*threads = " + vcpus + " exceeds " + MAX_VCPUS);
                }
            }
            if (cpuModel != null && !CPU_MODEL.matcher(cpuModel).matches()) {
                v.add("cpuModel: '" + cpuModel + "' is not a QEMU CPU model (letters, digits, '.', '_', '-',"
                        + " with optional ',feature' parts)");
            }
            if (memoryMib < MIN_MEMORY_MIB) {
                v.add("memoryMib: " + memoryMib + " is below the minimum of " + MIN_MEMORY_MIB);
            } else if (memoryMib > MAX_MEMORY_MIB) {
                v.add("memoryMib: " + memoryMib + " is above the maximum of " + MAX_MEMORY_MIB);
            }
            if (memoryBackend == null) {
                v.add("memoryBackend: required (plain(), memfd() or hugepages(mount, size))");
            } else if (memoryBackend instanceof MemoryBackend.HugepageFile h) {
                if (memoryMib % h.pageSize().mib() != 0) {
                    v.add("memoryMib: " + memoryMib + " is not a multiple of the " + h.pageSize()
                            + " huge page size; use a multiple of " + h.pageSize().mib());
                }
                requireAbsolute(v, "memoryBackend.mountPath", h.mountPath());
            } else if (memoryBackend instanceof MemoryBackend.RamFile f) {
                requireAbsolute(v, "memoryBackend.path", f.path());
            }
        }

        private void validateBootSource(List<String> v) {
            if (bootSource == null) {
                v.add("bootSource: required (diskImage(...) or kernel(...))");
            } else if (bootSource instanceof BootSource.DiskImage d) {
                requireAbsolute(v, "bootSource.path", d.path());
                if (!DISK_FORMAT.matcher(d.format()).matches()) {
                    v.add("bootSource.format: '" + d.format() + "' is not a QEMU image format name (raw, qcow2, ...)");
                }
            } else if (bootSource instanceof BootSource.KernelBoot k) {
                requireAbsolute(v, "bootSource.kernel", k.kernel());
                k.initrd().ifPresent(p -> requireAbsolute(v, "bootSource.initrd", p));
                if (k.append().chars().anyMatch(c -> c == '\n' || c == '\r' || c == 0)) {
                    v.add("bootSource.append: must be one line (no newline or NUL)");
                }
                k.ninePRoot().ifPresent(r -> {
                    requireAbsolute(v, "bootSource.ninePRoot.hostPath", r.hostPath());
                    requireAbsolute(v, "bootSource.ninePRoot.initPath", r.initPath());
                    if (!MOUNT_TAG.matcher(r.mountTag()).matches()) {
                        v.add("bootSource.ninePRoot.mountTag: '" + r.mountTag()
                                + "' must be 1-31 letters, digits, '_' or '-'");
                    }
                });
            }
        }

        private List<NicAssignment> validateNics(List<String> v) {
            List<NicAssignment> out = new ArrayList<>();
            Map<MacAddress, String> macOwners = new HashMap<>();
            int vmOctet = id >= 1 && id <= 255 ? id : 0;
            if (userNetwork != null) {
                userNetwork.sshHostPort().ifPresent(p -> {
                    if (p < 1 || p > 65535) {
                        v.add("userNetwork.sshHostPort: " + p + " is not a TCP port (1..65535)");
                    }
                });
                userNetwork.hostBindAddress().ifPresent(a -> {
                    if (!BIND_ADDRESS.matcher(a).matches()) {
                        v.add("userNetwork.hostBindAddress: '" + a + "' must be an IPv4 address or host name");
                    }
                });
                MacAddress mac = mac(v, macOwners, "userNetwork.mac", userNetwork.mac(),
                        () -> MacAddress.seedDefault(vmOctet, MANAGEMENT_NIC_OCTET));
                if (mac != null) {
                    out.add(new NicAssignment("mgmt", NicAssignment.NicKind.USER_MANAGEMENT, mac,
                            OptionalInt.empty(), Optional.empty()));
                }
            }
            for (int i = 0; i < virtioNics.size(); i++) {
                VirtioNic nic = virtioNics.get(i);
                String field = "virtioNics[" + i + "]";
                int octet = VIRTIO_NIC_OCTET_BASE + i;
                MacAddress mac = mac(v, macOwners, field + ".mac", nic.mac(),
                        () -> MacAddress.seedDefault(vmOctet, octet));
                if (mac != null) {
                    out.add(new NicAssignment("net" + i, NicAssignment.NicKind.USER_VIRTIO, mac, nic.pciSlot(),
                            Optional.empty()));
                }
            }
            for (int i = 0; i < vhostUserNics.size(); i++) {
                VhostUserNic nic = vhostUserNics.get(i);
                String field = "vhostUser[" + i + "]";
                int n = i + 1;
                requireAbsolute(v, field + ".socket", nic.socket());
                if (nic.queues() < 1 || nic.queues() > MAX_VHOST_USER_QUEUES) {
                    v.add(field + ".queues: " + nic.queues() + " must be 1.." + MAX_VHOST_USER_QUEUES);
                }
                nic.queueSize().ifPresent(size -> {
                    if (size < 256 || size > 1024 || Integer.bitCount(size) != 1) {
                        v.add(field + ".queueSize: " + size + " must be 256, 512 or 1024 (QEMU's ring sizes)");
                    }
                });
                MacAddress mac = mac(v, macOwners, field + ".mac", nic.mac(), () -> MacAddress.seedDefault(vmOctet, n));
                OptionalInt slot = vhostUserSlot(nic, n);
                if (mac != null) {
                    out.add(new NicAssignment("vhost" + n, NicAssignment.NicKind.VHOST_USER, mac, slot,
                            Optional.of(nic.socket())));
                }
            }
            if (!vhostUserNics.isEmpty() && memoryBackend != null && !memoryBackend.shared()) {
                v.add("memoryBackend: vhost-user NICs need shared guest memory: use memfd or hugepages");
            }
            return out;
        }

        private void validateConsoleAndAgent(List<String> v) {
            if (serialConsole == null) {
                v.add("serialConsole: required (unixSocket(), logFile() or none())");
            } else if (serialConsole instanceof SerialConsole.LogFile f) {
                f.path().ifPresent(p -> requireAbsolute(v, "serialConsole.path", p));
            }
            if (qgaIsaSerial && arch != null && !arch.hasIsaBus()) {
                v.add("qgaIsaSerial: " + arch + "'s " + arch.machineType()
                        + " machine has no ISA bus; use qgaIsaSerial(false).qgaVirtioSerial(true)");
            }
        }

        /** Mirrors the device order of QemuCommandLine; see {@link PciSlotPlan}. */
        private void validatePciSlots(List<String> v) {
            PciSlotPlan plan = new PciSlotPlan(arch != null ? arch : Arch.X86_64);
            if (userNetwork != null) {
                plan.add("userNetwork", OptionalInt.empty());
            }
            for (int i = 0; i < virtioNics.size(); i++) {
                plan.add("virtioNics[" + i + "]", virtioNics.get(i).pciSlot());
            }
            if (bootSource instanceof BootSource.KernelBoot k && k.ninePRoot().isPresent()) {
                plan.add("bootSource.ninePRoot", OptionalInt.empty());
            }
            if (qgaVirtioSerial) {
                plan.add("qgaVirtioSerial", OptionalInt.empty());
            }
            for (int i = 0; i < vhostUserNics.size(); i++) {
                VhostUserNic nic = vhostUserNics.get(i);
                plan.add("vhostUser[" + i + "]", vhostUserSlot(nic, i + 1));
            }
            if (bootSource instanceof BootSource.DiskImage) {
                plan.add("bootSource", OptionalInt.empty());
            }
            v.addAll(plan.violations());
        }

        private static MacAddress mac(List<String> v, Map<MacAddress, String> owners, String field,
                Optional<String> given, java.util.function.Supplier<MacAddress> fallback) {
            MacAddress mac;
            try {
                mac = given.isPresent() ? MacAddress.parse(given.get()) : fallback.get();
            } catch (IllegalArgumentException e) {
                v.add(field + ": " + e.getMessage());
                return null;
            }
            String owner = owners.putIfAbsent(mac, field);
            if (owner != null) {
                v.add(field + ": " + mac + " is already used by " + owner.replace(".mac", "")
                        + "; every NIC needs its own MAC");
                return null;
            }
            return mac;
        }

        private static void requireAbsolute(List<String> v, String field, Path path) {
            if (path == null) {
                v.add(field + ": required");
            } else if (!path.isAbsolute()) {
                v.add(field + ": '" + path + "' must be an absolute path (QEMU may run in another directory)");
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof VmSpec s)) {
            return false;
        }
        return id == s.id && memoryMib == s.memoryMib && qgaIsaSerial == s.qgaIsaSerial
                && qgaVirtioSerial == s.qgaVirtioSerial && name.equals(s.name) && arch == s.arch
                && smp.equals(s.smp) && memoryBackend.equals(s.memoryBackend) && accelerator == s.accelerator
                && cpuModel.equals(s.cpuModel) && bootSource.equals(s.bootSource)
                && userNetwork.equals(s.userNetwork) && virtioNics.equals(s.virtioNics)
                && vhostUserNics.equals(s.vhostUserNics) && serialConsole.equals(s.serialConsole)
                && extraArgs.equals(s.extraArgs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, arch, smp, memoryMib, memoryBackend, accelerator, cpuModel, bootSource,
                userNetwork, virtioNics, vhostUserNics, serialConsole, qgaIsaSerial, qgaVirtioSerial, extraArgs);
    }

    /** The PCI slot of the {@code n}-th vhost-user NIC (from 1): its own, else the seed's n + 5. */
    private static OptionalInt vhostUserSlot(VhostUserNic nic, int n) {
        return nic.pciSlot().isPresent() ? nic.pciSlot() : OptionalInt.of(n + VHOST_USER_SLOT_OFFSET);
    }
}
