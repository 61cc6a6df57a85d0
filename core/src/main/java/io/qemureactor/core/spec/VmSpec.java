package io.qemureactor.core.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to start one QEMU VM, independent of the host it runs on and of the run folder
 * (see {@code QemuCommandLine}). Immutable; made by {@link #builder()}, whose {@link Builder#build()}
 * validates the whole spec and reports every problem at once, each naming its field.
 *
 * <p>The spec keeps what was asked for (e.g. a NIC without a MAC) and, in {@link #nics()}, what the
 * guest will get after the seed's defaults are applied (the MAC {@code 52:54:00:00:<id>:<nic>}, the PCI
 * slot {@code nic+5}): its {@link #devicePlan()}, computed once, from which both the validation and the
 * command line take every device's place, id and MAC, so they and the launcher agree on them. The checks
 * themselves are {@code VmSpecValidator}'s.
 */
public final class VmSpec {

    /** The smallest guest RAM we accept: a modern kernel with virtio and 9p does not boot in less. */
    public static final int MIN_MEMORY_MIB = 128;
    /** The largest guest RAM we accept: 1 TiB. */
    public static final int MAX_MEMORY_MIB = 1024 * 1024;
    /** The most vCPUs ({@code sockets*cores*threads}) a spec may ask for. */
    public static final int MAX_VCPUS = 255;
    /** The most queue pairs of one vhost-user NIC. */
    public static final int MAX_VHOST_USER_QUEUES = 64;

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
    private final ConsoleSpec serialConsole;
    private final boolean qgaIsaSerial;
    private final boolean qgaVirtioSerial;
    private final List<String> extraArgs;
    private final DevicePlan devicePlan;

    /** The builder's values as they are: {@link Builder#build()} checks them before the spec is handed out. */
    private VmSpec(Builder b) {
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
        // not List.copyOf: a null argument must reach the validation as a problem, not as an NPE here
        this.extraArgs = Collections.unmodifiableList(new ArrayList<>(b.extraArgs));
        this.devicePlan = DevicePlan.of(this);
    }

    /**
     * {@return a new builder with the defaults listed on {@link Builder}}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@return a new builder holding this spec's values, to derive a variant}
     */
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

    /** {@return the seed's {@code qemu_id}: 1..255, used in default MACs and names} */
    public int id() {
        return id;
    }

    /** {@return the VM's name, {@code vm<id>} unless given; QEMU's {@code -name}} */
    public String name() {
        return name;
    }

    /** {@return the guest architecture; X86_64 unless set} */
    public Arch arch() {
        return arch;
    }

    /** {@return the vCPU topology} */
    public Smp smp() {
        return smp;
    }

    /** {@return guest RAM in MiB} */
    public int memoryMib() {
        return memoryMib;
    }

    /** {@return what backs guest RAM (memfd unless set)} */
    public MemoryBackend memoryBackend() {
        return memoryBackend;
    }

    /** {@return the accelerator asked for, possibly {@link Accelerator#AUTO}} */
    public Accelerator accelerator() {
        return accelerator;
    }

    /** {@return the CPU model asked for; empty means the resolved accelerator's default (host or max)} */
    public Optional<String> cpuModel() {
        return cpuModel;
    }

    /** {@return what the guest boots: a disk image or a kernel} */
    public BootSource bootSource() {
        return bootSource;
    }

    /** {@return the user-mode management network, if any} */
    public Optional<UserNetwork> userNetwork() {
        return userNetwork;
    }

    /** {@return the extra virtio NICs as asked for; {@link #nics()} has them with their MACs} */
    public List<VirtioNic> virtioNics() {
        return virtioNics;
    }

    /** {@return the vhost-user NICs as asked for; {@link #nics()} has them with their MACs and slots} */
    public List<VhostUserNic> vhostUserNics() {
        return vhostUserNics;
    }

    /** {@return where the guest's first serial port (the kernel console) goes} */
    public ConsoleSpec serialConsole() {
        return serialConsole;
    }

    /** {@return whether QGA is on the second ISA UART (the guest's ttyS1), the seed's wiring} */
    public boolean qgaIsaSerial() {
        return qgaIsaSerial;
    }

    /**
     * {@return whether QGA is on a virtio-serial port named {@code org.qemu.guest_agent.0}, the agent's
     * default channel}
     */
    public boolean qgaVirtioSerial() {
        return qgaVirtioSerial;
    }

    /** {@return raw arguments appended after everything else, unescaped: the escape hatch} */
    public List<String> extraArgs() {
        return extraArgs;
    }

    /**
     * Every NIC with its netdev id, MAC and PCI slot after defaults: the management NIC first, then
     * the extra virtio NICs, then the vhost-user NICs, in the order they were added (the
     * {@linkplain #devicePlan() device plan}'s NICs).
     *
     * @return the NICs, unmodifiable
     */
    public List<NicAssignment> nics() {
        return devicePlan.nics();
    }

    /**
     * The NIC assignments of one kind, in order.
     *
     * @param kind the kind of NIC to keep
     * @return those NICs, in the order of {@link #nics()}
     */
    public List<NicAssignment> nics(NicAssignment.NicKind kind) {
        return devicePlan.nics(kind);
    }

    /**
     * {@return the spec's PCI devices in QEMU's creation order with their slots, ids and MACs, which
     * the command line renders; computed once, when the spec was made}
     */
    public DevicePlan devicePlan() {
        return devicePlan;
    }

    @Override
    public String toString() {
        return "VmSpec[" + name + " (id " + id + "), " + arch + ", " + smp.vcpus() + " vCPU, " + memoryMib
                + " MiB, " + bootSource.getClass().getSimpleName() + ", " + nics().size() + " NIC(s)]";
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
        private ConsoleSpec serialConsole = ConsoleSpec.unixSocket();
        private boolean qgaIsaSerial = true;
        private boolean qgaVirtioSerial;
        private final List<String> extraArgs = new ArrayList<>();

        private Builder() {
        }

        /**
         * The seed's {@code qemu_id}, 1..255 (required).
         *
         * @param vmId the VM id, 1..255; the validation rejects anything else
         * @return this builder
         */
        public Builder id(int vmId) {
            this.id = vmId;
            return this;
        }

        /**
         * The VM's name; {@code vm<id>} if not set.
         *
         * @param vmName the name, or {@code null} for the default
         * @return this builder
         */
        public Builder name(String vmName) {
            this.name = vmName;
            return this;
        }

        /**
         * The guest architecture.
         *
         * @param value the architecture; X86_64 unless set
         * @return this builder
         */
        public Builder arch(Arch value) {
            this.arch = value;
            return this;
        }

        /**
         * The vCPU topology.
         *
         * @param value the topology; one core unless set
         * @return this builder
         */
        public Builder smp(Smp value) {
            this.smp = value;
            return this;
        }

        /**
         * One socket of {@code cores} single-threaded cores, as the seed's {@code smp}.
         *
         * @param cores the number of vCPUs
         * @return this builder
         */
        public Builder smp(int cores) {
            return smp(Smp.cores(cores));
        }

        /**
         * Guest RAM in MiB, {@value VmSpec#MIN_MEMORY_MIB} or more.
         *
         * @param mib the RAM in MiB, up to {@value VmSpec#MAX_MEMORY_MIB}
         * @return this builder
         */
        public Builder memoryMib(int mib) {
            this.memoryMib = mib;
            return this;
        }

        /**
         * What backs guest RAM.
         *
         * @param value the backend; memfd unless set
         * @return this builder
         */
        public Builder memoryBackend(MemoryBackend value) {
            this.memoryBackend = value;
            return this;
        }

        /**
         * AUTO (KVM only where it really runs a guest), KVM or TCG.
         *
         * @param value the accelerator; AUTO unless set
         * @return this builder
         */
        public Builder accelerator(Accelerator value) {
            this.accelerator = value;
            return this;
        }

        /**
         * A QEMU CPU model (optionally with features, {@code max,-pdpe1gb}); default host/max.
         *
         * @param model the {@code -cpu} value, or {@code null} for the accelerator's default
         * @return this builder
         */
        public Builder cpuModel(String model) {
            this.cpuModel = model;
            return this;
        }

        /**
         * What the guest boots (required).
         *
         * @param value the disk image or kernel to boot
         * @return this builder
         */
        public Builder bootSource(BootSource value) {
            this.bootSource = value;
            return this;
        }

        /**
         * Boot a raw image with cache=none, like the seed's nested VM.
         *
         * @param image the raw disk image
         * @return this builder
         */
        public Builder diskImage(Path image) {
            return bootSource(BootSource.diskImage(image));
        }

        /**
         * Boot a kernel directly, like the seed's kernel VM.
         *
         * @param kernel the kernel, initrd and command line
         * @return this builder
         */
        public Builder kernel(BootSource.KernelBoot kernel) {
            return bootSource(kernel);
        }

        /**
         * A user-mode management NIC.
         *
         * @param value the management network, or {@code null} for none
         * @return this builder
         */
        public Builder userNetwork(UserNetwork value) {
            this.userNetwork = value;
            return this;
        }

        /**
         * Adds an extra virtio NIC after the ones added before.
         *
         * @param nic the NIC; its MAC defaults from the VM id and its position
         * @return this builder
         */
        public Builder addVirtioNic(VirtioNic nic) {
            this.virtioNics.add(nic);
            return this;
        }

        /**
         * Adds a vhost-user NIC after the ones added before.
         *
         * @param nic the NIC; its MAC defaults from the VM id and its position
         * @return this builder
         */
        public Builder addVhostUserNic(VhostUserNic nic) {
            this.vhostUserNics.add(nic);
            return this;
        }

        /**
         * Where the guest's serial console goes.
         *
         * @param value the console; a unix socket in the run folder unless set
         * @return this builder
         */
        public Builder serialConsole(ConsoleSpec value) {
            this.serialConsole = value;
            return this;
        }

        /**
         * Whether QGA gets the second ISA UART (the seed's channel).
         *
         * @param on {@code true} (the default) to wire QGA there
         * @return this builder
         */
        public Builder qgaIsaSerial(boolean on) {
            this.qgaIsaSerial = on;
            return this;
        }

        /**
         * Whether QGA gets a virtio-serial port.
         *
         * @param on {@code true} to wire QGA there; off by default
         * @return this builder
         */
        public Builder qgaVirtioSerial(boolean on) {
            this.qgaVirtioSerial = on;
            return this;
        }

        /**
         * No guest agent channel at all (the seed's kernel VM had none).
         *
         * @return this builder
         */
        public Builder noGuestAgent() {
            return qgaIsaSerial(false).qgaVirtioSerial(false);
        }

        /**
         * Appends raw QEMU arguments, rendered last and verbatim.
         *
         * @param args the arguments, each one argv element; {@code null} elements fail the validation
         * @return this builder
         */
        public Builder extraArgs(String... args) {
            this.extraArgs.addAll(Arrays.asList(args));
            return this;
        }

        /**
         * Validates everything and returns the spec.
         *
         * @throws InvalidVmSpecException listing every problem, each prefixed by its field
         * @return the validated, immutable spec
         */
        public VmSpec build() {
            VmSpec candidate = new VmSpec(this);
            List<String> problems = VmSpecValidator.problems(candidate);
            if (!problems.isEmpty()) {
                throw new InvalidVmSpecException(candidate.name(), problems);
            }
            return candidate;
        }
    }

    /** Specs are equal when every value asked for is. */
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
}
