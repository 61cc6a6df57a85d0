package io.qemureactor.core.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a spec's values before {@link VmSpec.Builder#build()} hands the spec out: every problem at once,
 * each starting with the field it concerns and saying how to fix it. Where devices go and what MACs they get
 * is checked on the spec's {@link DevicePlan}, the same plan the command line is rendered from.
 */
final class VmSpecValidator {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern CPU_MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+=,-]*");
    private static final Pattern DISK_FORMAT = Pattern.compile("[a-z0-9]+");
    private static final Pattern MOUNT_TAG = Pattern.compile("[A-Za-z0-9_-]{1,31}");
    private static final Pattern BIND_ADDRESS = Pattern.compile("[A-Za-z0-9.]+");

    private final VmSpec spec;
    private final List<String> problems = new ArrayList<>();

    private VmSpecValidator(VmSpec spec) {
        this.spec = spec;
    }

    /** Every problem of {@code spec} (a spec that has not been checked yet), {@code field: what and how to fix}. */
    static List<String> problems(VmSpec spec) {
        VmSpecValidator v = new VmSpecValidator(spec);
        v.identity();
        v.cpuAndMemory();
        v.bootSource();
        v.nics();
        v.consoleAndAgent();
        v.problems.addAll(spec.devicePlan().problems());
        List<String> extra = spec.extraArgs();
        for (int i = 0; i < extra.size(); i++) {
            if (extra.get(i) == null) {
                v.problems.add("extraArgs[" + i + "]: must not be null");
            }
        }
        return List.copyOf(v.problems);
    }

    private void identity() {
        if (spec.id() < 1 || spec.id() > 255) {
            problems.add("id: " + spec.id() + " is outside 1..255 (it is one MAC octet); set id(1..255)");
        }
        if (!NAME.matcher(spec.name()).matches()) {
            problems.add("name: '" + spec.name() + "' must be 1-63 letters, digits, '.', '_' or '-', starting with a"
                    + " letter or digit");
        }
        if (spec.arch() == null) {
            problems.add("arch: required (X86_64 or AARCH64)");
        }
        if (spec.accelerator() == null) {
            problems.add("accelerator: required (AUTO, KVM or TCG)");
        }
    }

    private void cpuAndMemory() {
        Smp smp = spec.smp();
        if (smp == null) {
            problems.add("smp: required, e.g. smp(1)");
        } else {
            if (smp.sockets() < 1) {
                problems.add("smp.sockets: " + smp.sockets() + " must be >= 1");
            }
            if (smp.cores() < 1) {
                problems.add("smp.cores: " + smp.cores() + " must be >= 1");
            }
            if (smp.threads() < 1) {
                problems.add("smp.threads: " + smp.threads() + " must be >= 1");
            }
            long vcpus = (long) smp.sockets() * smp.cores() * smp.threads();
            if (smp.sockets() >= 1 && smp.cores() >= 1 && smp.threads() >= 1 && vcpus > VmSpec.MAX_VCPUS) {
                problems.add("smp: sockets*cores*threads = " + vcpus + " exceeds " + VmSpec.MAX_VCPUS);
            }
        }
        spec.cpuModel().filter(model -> !CPU_MODEL.matcher(model).matches()).ifPresent(model ->
                problems.add("cpuModel: '" + model + "' is not a QEMU CPU model (letters, digits, '.', '_', '-',"
                        + " with optional ',feature' parts)"));
        int memoryMib = spec.memoryMib();
        if (memoryMib < VmSpec.MIN_MEMORY_MIB) {
            problems.add("memoryMib: " + memoryMib + " is below the minimum of " + VmSpec.MIN_MEMORY_MIB);
        } else if (memoryMib > VmSpec.MAX_MEMORY_MIB) {
            problems.add("memoryMib: " + memoryMib + " is above the maximum of " + VmSpec.MAX_MEMORY_MIB);
        }
        MemoryBackend backend = spec.memoryBackend();
        if (backend == null) {
            problems.add("memoryBackend: required (plain(), memfd() or hugepages(mount, size))");
        } else if (backend instanceof MemoryBackend.HugepageFile h) {
            if (memoryMib % h.pageSize().mib() != 0) {
                problems.add("memoryMib: " + memoryMib + " is not a multiple of the " + h.pageSize()
                        + " huge page size; use a multiple of " + h.pageSize().mib());
            }
            requireAbsolute("memoryBackend.mountPath", h.mountPath());
        } else if (backend instanceof MemoryBackend.RamFile f) {
            requireAbsolute("memoryBackend.path", f.path());
        }
    }

    private void bootSource() {
        BootSource boot = spec.bootSource();
        if (boot == null) {
            problems.add("bootSource: required (diskImage(...) or kernel(...))");
        } else if (boot instanceof BootSource.DiskImage d) {
            requireAbsolute("bootSource.path", d.path());
            if (!DISK_FORMAT.matcher(d.format()).matches()) {
                problems.add("bootSource.format: '" + d.format()
                        + "' is not a QEMU image format name (raw, qcow2, ...)");
            }
        } else if (boot instanceof BootSource.KernelBoot k) {
            requireAbsolute("bootSource.kernel", k.kernel());
            k.initrd().ifPresent(p -> requireAbsolute("bootSource.initrd", p));
            if (k.append().chars().anyMatch(c -> c == '\n' || c == '\r' || c == 0)) {
                problems.add("bootSource.append: must be one line (no newline or NUL)");
            }
            k.ninePRoot().ifPresent(r -> {
                requireAbsolute("bootSource.ninePRoot.hostPath", r.hostPath());
                requireAbsolute("bootSource.ninePRoot.initPath", r.initPath());
                if (!MOUNT_TAG.matcher(r.mountTag()).matches()) {
                    problems.add("bootSource.ninePRoot.mountTag: '" + r.mountTag()
                            + "' must be 1-31 letters, digits, '_' or '-'");
                }
            });
        }
    }

    /** What each NIC asks for; MACs and slots are the plan's. */
    private void nics() {
        spec.userNetwork().ifPresent(user -> {
            user.sshHostPort().ifPresent(p -> {
                if (p < 1 || p > 65535) {
                    problems.add("userNetwork.sshHostPort: " + p + " is not a TCP port (1..65535)");
                }
            });
            user.hostBindAddress().ifPresent(a -> {
                if (!BIND_ADDRESS.matcher(a).matches()) {
                    problems.add("userNetwork.hostBindAddress: '" + a + "' must be an IPv4 address or host name");
                }
            });
        });
        List<VhostUserNic> vhost = spec.vhostUserNics();
        for (int i = 0; i < vhost.size(); i++) {
            VhostUserNic nic = vhost.get(i);
            String field = "vhostUser[" + i + "]";
            requireAbsolute(field + ".socket", nic.socket());
            if (nic.queues() < 1 || nic.queues() > VmSpec.MAX_VHOST_USER_QUEUES) {
                problems.add(field + ".queues: " + nic.queues() + " must be 1.." + VmSpec.MAX_VHOST_USER_QUEUES);
            }
            nic.queueSize().ifPresent(size -> {
                if (size < 256 || size > 1024 || Integer.bitCount(size) != 1) {
                    problems.add(field + ".queueSize: " + size + " must be 256, 512 or 1024 (QEMU's ring sizes)");
                }
            });
        }
        if (!vhost.isEmpty() && spec.memoryBackend() != null && !spec.memoryBackend().shared()) {
            problems.add("memoryBackend: vhost-user NICs need shared guest memory: use memfd or hugepages");
        }
    }

    private void consoleAndAgent() {
        ConsoleSpec console = spec.serialConsole();
        if (console == null) {
            problems.add("serialConsole: required (unixSocket(), logFile() or none())");
        } else if (console instanceof ConsoleSpec.LogFile f) {
            f.path().ifPresent(p -> requireAbsolute("serialConsole.path", p));
        }
        Arch arch = spec.arch();
        if (spec.qgaIsaSerial() && arch != null && !arch.hasIsaBus()) {
            problems.add("qgaIsaSerial: " + arch + "'s " + arch.machineType()
                    + " machine has no ISA bus; use qgaIsaSerial(false).qgaVirtioSerial(true)");
        }
    }

    private void requireAbsolute(String field, Path path) {
        if (path == null) {
            problems.add(field + ": required");
        } else if (!path.isAbsolute()) {
            problems.add(field + ": '" + path + "' must be an absolute path (QEMU may run in another directory)");
        }
    }
}
