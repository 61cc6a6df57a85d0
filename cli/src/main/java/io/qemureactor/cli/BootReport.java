package io.qemureactor.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qemureactor.core.cmdline.RunLayout;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.vm.GuestNic;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.core.vm.VcpuThread;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@code qemu-reactor boot} found out about the VMs it booted: the table and the JSON document.
 *
 * @param hosts  the fleet's hosts, by name, in topology order
 * @param vms    the VMs that came up, in id order
 * @param failed with {@code --best-effort}: the VMs that did not, in id order
 */
record BootReport(long wallMillis, List<String> hosts, List<Vm> vms, List<Failed> failed) {

    /**
     * One booted VM. {@code host} is the fleet host it runs on; {@code interfacesError} says why its
     * NICs could not be mapped, when they could not.
     */
    record Vm(int id, String name, String host, boolean local, long pid, String accel, long bootMillis, String runFolder,
              String qmpSocket, Optional<String> qgaSocket, List<VcpuThread> vcpus, List<GuestNic> interfaces,
              Optional<String> interfacesError) {

        /** The facts of {@code vm}; the vCPU threads and guest NICs are looked up by the caller. */
        static Vm of(RunningVm vm, String host, List<VcpuThread> vcpus, List<GuestNic> interfaces,
                     Optional<String> interfacesError) {
            RunLayout layout = RunLayout.in(Path.of(vm.runFolder()));
            Optional<String> qga = vm.spec().qgaIsaSerial() ? Optional.of(layout.qgaSocket().toString())
                    : vm.spec().qgaVirtioSerial() ? Optional.of(layout.qgaVirtioSocket().toString())
                    : Optional.empty();
            return new Vm(vm.spec().id(), vm.name(), host, vm.host() instanceof LocalHost, vm.pid(), vm.accelerator().name().toLowerCase(Locale.ROOT),
                    vm.bootTime().toMillis(), vm.runFolder(), layout.qmpSocket().toString(), qga, List.copyOf(vcpus),
                    List.copyOf(interfaces), interfacesError);
        }
    }

    /** A VM that did not come up ({@code --best-effort}), and why, in one line. */
    record Failed(int id, String name, String host, String reason) {
    }

    /** The table: one row per VM that came up; then the ones that did not, and a summary line. */
    void printTable(PrintWriter out) {
        TablePrinter table = new TablePrinter("VM", "HOST", "PID", "ACCEL", "BOOT MS", "VCPU THREADS", "GUEST NICS");
        for (Vm vm : vms) {
            String vcpus = vm.vcpus().isEmpty() ? "-"
                    : vm.vcpus().stream().map(t -> t.index() + ":" + t.threadId()).collect(Collectors.joining(" "));
            String nics = vm.interfacesError().map(e -> "?").orElseGet(() -> vm.interfaces().isEmpty() ? "-"
                    : vm.interfaces().stream().map(n -> n.guestName() + "=" + n.mac()).collect(Collectors.joining(" ")));
            table.row(vm.id() + "/" + vm.name(), vm.host(), Long.toString(vm.pid()), vm.accel(), Long.toString(vm.bootMillis()),
                    vcpus, nics);
        }
        table.print(out);
        for (Vm vm : vms) {
            vm.interfacesError().ifPresent(e -> out.println(vm.name() + ": guest NICs not mapped: " + e));
        }
        for (Failed f : failed) {
            out.println(f.name() + " on " + f.host() + ": FAILED: " + f.reason());
        }
        String count = failed.isEmpty() ? vms.size() + (vms.size() == 1 ? " VM" : " VMs")
                : vms.size() + " of " + (vms.size() + failed.size()) + " VMs";
        List<String> on = hosts.stream().filter(h -> vms.stream().anyMatch(v -> v.host().equals(h))).toList();
        out.println(count + " ready" + (on.isEmpty() ? "" : " on " + String.join(", ", on)) + " in " + wallMillis
                + " ms (wall)");
        out.flush();
    }

    /**
     * {@code {"wallMillis":…, "host":…, "hosts":[…], "kept":…, "vms":[{"id","name","host","pid","accel","bootMillis",
     * "runFolder","qmpSocket","qgaSocket","vcpus":[{"index","threadId"}],"interfaces":[{"name","mac","netdev",
     * "addresses"}]}], "failed":[{"id","name","host","reason"}]}}; {@code host} is the one host's name, or
     * {@code null} with several ({@code --hosts}).
     */
    ObjectNode toJson(boolean kept) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("wallMillis", wallMillis);
        if (hosts.size() == 1) {
            doc.put("host", hosts.get(0));
        } else {
            doc.putNull("host");
        }
        ArrayNode hostList = doc.putArray("hosts");
        hosts.forEach(hostList::add);
        doc.put("kept", kept);
        ArrayNode list = doc.putArray("vms");
        for (Vm vm : vms) {
            ObjectNode v = list.addObject();
            v.put("id", vm.id());
            v.put("name", vm.name());
            v.put("host", vm.host());
            v.put("pid", vm.pid());
            v.put("accel", vm.accel());
            v.put("bootMillis", vm.bootMillis());
            v.put("runFolder", vm.runFolder());
            v.put("qmpSocket", vm.qmpSocket());
            if (vm.qgaSocket().isPresent()) {
                v.put("qgaSocket", vm.qgaSocket().get());
            } else {
                v.putNull("qgaSocket");
            }
            ArrayNode vcpus = v.putArray("vcpus");
            vm.vcpus().forEach(t -> vcpus.addObject().put("index", t.index()).put("threadId", t.threadId()));
            ArrayNode nics = v.putArray("interfaces");
            for (GuestNic n : vm.interfaces()) {
                ObjectNode nic = nics.addObject().put("name", n.guestName()).put("mac", n.mac()).put("netdev", n.netdevId());
                ArrayNode addresses = nic.putArray("addresses");
                n.addresses().forEach(addresses::add);
            }
            vm.interfacesError().ifPresent(e -> v.put("interfacesError", e));
        }
        ArrayNode failures = doc.putArray("failed");
        for (Failed f : failed) {
            failures.addObject().put("id", f.id()).put("name", f.name()).put("host", f.host()).put("reason", f.reason());
        }
        return doc;
    }

    /** {@link #toJson} as pretty-printed text. */
    String toJsonText(boolean kept) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(kept));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** With {@code --keep}: how to reach each VM, and that it keeps running. */
    void printKept(PrintWriter out) {
        out.println("kept running (qemu-reactor does not stop them; they outlive this command):");
        for (Vm vm : vms) {
            out.println("  " + vm.name() + "  pid " + vm.pid() + (vm.local() ? "" : " on " + vm.host()) + "  run folder "
                    + vm.runFolder());
            out.println("    QMP " + vm.qmpSocket() + "    e.g. qemu-reactor qmp --socket " + vm.qmpSocket() + " query-status");
            vm.qgaSocket().ifPresent(s -> out.println("    QGA " + s + "    e.g. qemu-reactor qga --socket " + s + " guest-info"));
        }
        out.println("stop one: qemu-reactor qmp --socket RUN_FOLDER/qmp.sock quit (or kill PID), then rm -r RUN_FOLDER");
        List<String> remote = hosts.stream().filter(h -> vms.stream().anyMatch(v -> !v.local() && v.host().equals(h))).toList();
        if (!remote.isEmpty()) {
            out.println("(the run folders, sockets and pids of the VMs on " + String.join(", ", remote) + " are on that host)");
        }
        out.flush();
    }
}
