package io.qemureactor.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qemureactor.core.cmdline.RunLayout;
import io.qemureactor.core.vm.GuestNic;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.core.vm.VcpuThread;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What {@code qemu-reactor boot} found out about the VMs it booted: the table and the JSON document. */
record BootReport(long wallMillis, String host, List<Vm> vms) {

    /** One booted VM. {@code interfacesError} says why its NICs could not be mapped, when they could not. */
    record Vm(int id, String name, long pid, String accel, long bootMillis, String runFolder, String qmpSocket,
              Optional<String> qgaSocket, List<VcpuThread> vcpus, List<GuestNic> interfaces,
              Optional<String> interfacesError) {

        /** The facts of {@code vm}; the vCPU threads and guest NICs are looked up by the caller. */
        static Vm of(RunningVm vm, List<VcpuThread> vcpus, List<GuestNic> interfaces, Optional<String> interfacesError) {
            RunLayout layout = RunLayout.in(Path.of(vm.runFolder()));
            Optional<String> qga = vm.spec().qgaIsaSerial() ? Optional.of(layout.qgaSocket().toString())
                    : vm.spec().qgaVirtioSerial() ? Optional.of(layout.qgaVirtioSocket().toString())
                    : Optional.empty();
            return new Vm(vm.spec().id(), vm.name(), vm.pid(), vm.accelerator().name().toLowerCase(Locale.ROOT),
                    vm.bootTime().toMillis(), vm.runFolder(), layout.qmpSocket().toString(), qga, List.copyOf(vcpus),
                    List.copyOf(interfaces), interfacesError);
        }
    }

    /** The table: one row per VM. */
    void printTable(PrintWriter out) {
        TablePrinter table = new TablePrinter("VM", "PID", "ACCEL", "BOOT MS", "VCPU THREADS", "GUEST NICS");
        for (Vm vm : vms) {
            String vcpus = vm.vcpus().isEmpty() ? "-"
                    : vm.vcpus().stream().map(t -> t.index() + ":" + t.threadId()).collect(Collectors.joining(" "));
            String nics = vm.interfacesError().map(e -> "?").orElseGet(() -> vm.interfaces().isEmpty() ? "-"
                    : vm.interfaces().stream().map(n -> n.guestName() + "=" + n.mac()).collect(Collectors.joining(" ")));
            table.row(vm.id() + "/" + vm.name(), Long.toString(vm.pid()), vm.accel(), Long.toString(vm.bootMillis()),
                    vcpus, nics);
        }
        table.print(out);
        for (Vm vm : vms) {
            vm.interfacesError().ifPresent(e -> out.println(vm.name() + ": guest NICs not mapped: " + e));
        }
        out.println(vms.size() + (vms.size() == 1 ? " VM" : " VMs") + " ready on " + host + " in " + wallMillis
                + " ms (wall)");
        out.flush();
    }

    /**
     * {@code {"wallMillis":…, "host":…, "vms":[{"id","name","pid","accel","bootMillis","runFolder","qmpSocket",
     * "qgaSocket","vcpus":[{"index","threadId"}],"interfaces":[{"name","mac","netdev","addresses"}]}]}}.
     */
    ObjectNode toJson(boolean kept) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("wallMillis", wallMillis);
        doc.put("host", host);
        doc.put("kept", kept);
        ArrayNode list = doc.putArray("vms");
        for (Vm vm : vms) {
            ObjectNode v = list.addObject();
            v.put("id", vm.id());
            v.put("name", vm.name());
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
            out.println("  " + vm.name() + "  pid " + vm.pid() + "  run folder " + vm.runFolder());
            out.println("    QMP " + vm.qmpSocket() + "    e.g. qemu-reactor qmp --socket " + vm.qmpSocket() + " query-status");
            vm.qgaSocket().ifPresent(s -> out.println("    QGA " + s + "    e.g. qemu-reactor qga --socket " + s + " guest-info"));
        }
        out.println("stop one: qemu-reactor qmp --socket RUN_FOLDER/qmp.sock quit (or kill PID), then rm -r RUN_FOLDER");
        out.flush();
    }
}
