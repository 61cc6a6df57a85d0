package io.qemureactor.core.junit;

import io.qemureactor.core.fleet.FleetHost;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.VmSpec;
import java.util.Optional;

/**
 * One {@link BootVm} field, as {@link BootVmFields} found it; its spec carries the field's name.
 *
 * @param field    the field's name, the VM's name for {@link Vm}
 * @param spec     the VM, named after the field
 * @param probe    decides when it is ready
 * @param host     where it runs; empty: this machine
 * @param pinCpus  host CPUs of its own (0: not pinned)
 * @param template whether it is booted or a clone of a template
 */
record DeclaredVm(String field, VmSpec spec, BootProbe probe, Optional<FleetHost> host, int pinCpus,
                  VmDeclaration.TemplateUse template) {
}
