package io.qemureactor.core.junit;

import io.qemureactor.core.fleet.FleetHost;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.VmSpec;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Finds the {@link BootVm} fields of a test class and its superclasses and turns each into a
 * {@link DeclaredVm}: its value read (a {@link Supplier} called), its spec named after the field,
 * its probe built from the annotation. Everything a misdeclared field can be wrong about is an
 * {@link ExtensionConfigurationException} naming the field, before anything boots.
 */
final class BootVmFields {

    private BootVmFields() {
    }

    /** The VMs {@code testClass} declares, by field name; a misdeclared field is an {@link ExtensionConfigurationException}. */
    static Map<String, DeclaredVm> scan(Class<?> testClass) {
        Map<String, DeclaredVm> declared = new LinkedHashMap<>();
        List<Class<?>> hierarchy = new ArrayList<>();
        for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
            hierarchy.add(0, c); // superclass fields first
        }
        String kitMarker = null;
        for (Class<?> c : hierarchy) {
            for (Field f : c.getDeclaredFields()) {
                BootVm a = f.getAnnotation(BootVm.class);
                if (a == null) {
                    continue;
                }
                String where = "@BootVm " + c.getSimpleName() + "." + f.getName();
                if (!Modifier.isStatic(f.getModifiers())) {
                    throw new ExtensionConfigurationException(where + " must be static: the VMs boot before any test instance exists");
                }
                if (declared.containsKey(f.getName())) {
                    throw new ExtensionConfigurationException(where + ": another @BootVm field is named " + f.getName()
                            + " (the field name is the VM's name for @Vm)");
                }
                Object value = read(f, where);
                DeclaredVm d;
                if (value instanceof VmSpec spec) {
                    if (needsKitMarker(a) && kitMarker == null) {
                        kitMarker = kitMarker(where);
                    }
                    d = new DeclaredVm(f.getName(), named(spec, f.getName(), where), probe(a, kitMarker, where),
                            Optional.empty(), 0, VmDeclaration.TemplateUse.NONE);
                } else if (value instanceof VmDeclaration decl) {
                    if (a.probe() != ProbeKind.SERIAL_MARKER || !a.marker().isEmpty() || a.timeoutSeconds() != 0) {
                        throw new ExtensionConfigurationException(where + ": a VmDeclaration has its own probe;"
                                + " leave the @BootVm attributes at their defaults");
                    }
                    d = new DeclaredVm(f.getName(), named(decl.spec(), f.getName(), where), decl.probe(), decl.host(),
                            decl.pinCpus(), decl.template());
                } else {
                    throw new ExtensionConfigurationException(where + " is a " + value.getClass().getSimpleName()
                            + "; it must be a VmSpec or a VmDeclaration, or a Supplier of one");
                }
                declared.put(f.getName(), d);
            }
        }
        checkUnique(declared);
        return declared;
    }

    /**
     * The field's value; a {@link Supplier} is called now, when the class's VMs are about to boot,
     * so that what it needs (the test guest kit, say) is not looked up in the class's static
     * initializer, where a failure would surface as an {@code ExceptionInInitializerError}.
     */
    private static Object read(Field f, String where) {
        Object value;
        try {
            f.setAccessible(true);
            value = f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExtensionConfigurationException(where + " cannot be read: " + e, e);
        }
        if (value instanceof Supplier<?> supplier) {
            try {
                value = supplier.get();
            } catch (RuntimeException e) {
                throw new ExtensionConfigurationException(where + ": its supplier failed: " + e.getMessage(), e);
            }
        }
        if (value == null) {
            throw new ExtensionConfigurationException(where + " is null");
        }
        return value;
    }

    /**
     * The spec under the field's name, so that one name stands for the VM everywhere: {@code @Vm},
     * {@code RunningVm.name()}, QEMU's {@code -name}, logs. A spec that carries a name of its own
     * (other than the default {@code vm<id>}) must carry the field's.
     */
    private static VmSpec named(VmSpec spec, String field, String where) {
        if (spec.name().equals(field)) {
            return spec;
        }
        if (!spec.name().equals("vm" + spec.id())) {
            throw new ExtensionConfigurationException(where + ": the spec is named " + spec.name()
                    + ", but the field's name is the VM's name: rename the field or leave the spec unnamed");
        }
        try {
            return spec.toBuilder().name(field).build();
        } catch (RuntimeException e) {
            throw new ExtensionConfigurationException(where + ": the field's name cannot name a VM: " + e.getMessage(), e);
        }
    }

    private static boolean needsKitMarker(BootVm a) {
        return (a.probe() == ProbeKind.SERIAL_MARKER || a.probe() == ProbeKind.SERIAL_MARKER_AND_QGA) && a.marker().isEmpty();
    }

    private static String kitMarker(String where) {
        try {
            return GuestKit.locate().marker();
        } catch (RuntimeException e) {
            throw new ExtensionConfigurationException(where + ": probe SERIAL_MARKER without a marker waits for the"
                    + " test guest kit's marker, but " + e.getMessage(), e);
        }
    }

    private static BootProbe probe(BootVm a, String kitMarker, String where) {
        if (!a.marker().isEmpty() && a.probe() != ProbeKind.SERIAL_MARKER && a.probe() != ProbeKind.SERIAL_MARKER_AND_QGA) {
            throw new ExtensionConfigurationException(where + ": marker is only for the serial probes, not " + a.probe());
        }
        if (a.timeoutSeconds() < 0) {
            throw new ExtensionConfigurationException(where + ": timeoutSeconds " + a.timeoutSeconds() + " is negative");
        }
        String marker = a.marker().isEmpty() ? kitMarker : a.marker();
        BootProbe probe = switch (a.probe()) {
            case SERIAL_MARKER -> BootProbe.serialMarker(Pattern.quote(marker));
            case QGA -> BootProbe.qga();
            case QMP_RUNNING -> BootProbe.qmpStatus("running");
            case SERIAL_MARKER_AND_QGA -> BootProbe.all(BootProbe.serialMarker(Pattern.quote(marker)), BootProbe.qga());
        };
        return a.timeoutSeconds() > 0 ? probe.withTimeout(Duration.ofSeconds(a.timeoutSeconds())) : probe;
    }

    private static void checkUnique(Map<String, DeclaredVm> declared) {
        Map<String, String> specNames = new LinkedHashMap<>();
        Map<String, FleetHost> hosts = new LinkedHashMap<>();
        for (DeclaredVm d : declared.values()) {
            String other = specNames.putIfAbsent(d.spec().name(), d.field());
            if (other != null) {
                throw new ExtensionConfigurationException("@BootVm " + other + " and " + d.field()
                        + " both declare a VM named " + d.spec().name() + ": give the specs different ids or names");
            }
            d.host().ifPresent(h -> {
                FleetHost seen = hosts.putIfAbsent(h.name(), h);
                if (seen != null && seen != h) {
                    throw new ExtensionConfigurationException("@BootVm " + d.field() + ": two different FleetHosts are named "
                            + h.name() + "; share one FleetHost object per machine");
                }
            });
        }
    }
}
