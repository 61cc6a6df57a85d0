package io.qemureactor.core.junit;

import io.qemureactor.core.vm.RunningVm;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots the {@link BootVm} VMs of a test class before its tests and stops them after; injects
 * them where {@link Vm} asks; attaches every VM's console tail to a failed test's report.
 * Registered by {@link QemuVms} (or {@code @ExtendWith(QemuVmsExtension.class)}, with the
 * default settings).
 *
 * <ul>
 * <li>{@code beforeAll}: all VMs the class declares boot concurrently as one all-or-nothing
 *     {@link io.qemureactor.core.fleet.Fleet}, through one {@link io.qemureactor.core.launch.QemuLauncher}
 *     with {@code LaunchOptions.defaults()} and run folders in a temporary folder of the
 *     extension's own. A report entry {@code qemu-reactor.vm.FIELD} per VM names it, its pid and
 *     run folder. If the boot fails, nothing is left running and every test of the class fails
 *     with a {@link QemuVmsBootException} that says why, with QEMU's output and console tails.
 * <li>{@code beforeEach}: {@link Vm} fields of the test instances are set.
 * <li>a test that throws: each VM visible to the test adds a suppressed {@link ConsoleTail} to the
 *     exception, with the console lines it printed during the test (at most
 *     {@link QemuVms#consoleTailLines()}; or the last ones before, when it printed none), so that
 *     every test report shows them with the failure, with no logging setup.
 * <li>{@code testFailed}: for each VM visible to the test, the last
 *     {@link QemuVms#consoleTailLines()} console lines become the report entry
 *     {@code qemu-reactor.console.FIELD} and are logged.
 * <li>{@code afterAll}: the VMs are stopped ({@code Fleet.shutdown()}, bounded; killed after the
 *     bound) and the temporary folder removed, whatever happened before. Anything that could not
 *     be cleaned up fails the class.
 * </ul>
 *
 * <p>{@code @Nested} classes see the VMs of their enclosing classes and may declare their own
 * (booted for the nested class only).
 */
public final class QemuVmsExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        BeforeTestExecutionCallback, AfterTestExecutionCallback, TestExecutionExceptionHandler,
        ParameterResolver, TestWatcher {

    private static final Logger log = LoggerFactory.getLogger(QemuVmsExtension.class);

    private static final Namespace NAMESPACE = Namespace.create(QemuVmsExtension.class);

    /** Prefix of the report entry that holds a VM's console tail after a failed test; the field name follows. */
    public static final String CONSOLE_ENTRY = "qemu-reactor.console.";

    private static final String RECORDERS = "console-recorders";

    /** Prefix of the class-level report entry that describes a booted VM; the field name follows. */
    public static final String VM_ENTRY = "qemu-reactor.vm.";

    @Override
    public void beforeAll(ExtensionContext context) {
        ClassVms vms = classVms(context);
        vms.boot();
        if (vms.failure().isPresent()) {
            return; // every test fails in beforeEach, with the reason
        }
        vms.running().forEach((field, vm) -> context.publishReportEntry(VM_ENTRY + field,
                vm.name() + " pid " + vm.pid() + " on " + vm.host().name() + ", run folder " + vm.runFolder()));
        injectFields(context, context.getRequiredTestClass(), null);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ClassVms vms = context.getStore(NAMESPACE).get(key(context), ClassVms.class);
        if (vms != null) {
            vms.close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        for (ClassVms vms : visible(context)) {
            Optional<QemuVmsBootException> failed = vms.failure();
            if (failed.isPresent()) {
                throw failed.get();
            }
            vms.resetBeforeTest();
        }
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            injectFields(context, instance.getClass(), instance);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        if (!parameter.isAnnotated(Vm.class)) {
            return false;
        }
        if (parameter.getParameter().getType() != RunningVm.class) {
            throw new ParameterResolutionException("@Vm parameter " + parameter.getParameter().getName() + " of "
                    + parameter.getDeclaringExecutable().getName() + " is a " + parameter.getParameter().getType().getSimpleName()
                    + "; it must be a RunningVm");
        }
        return true;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        String name = parameter.findAnnotation(Vm.class).map(Vm::value).orElse("");
        try {
            return lookup(context, name);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    /** Starts recording what each visible VM prints during the test. */
    @Override
    public void beforeTestExecution(ExtensionContext context) {
        Map<String, ConsoleRecorder> recorders = new LinkedHashMap<>();
        forEachVisibleVm(context, (field, vm, lines) -> vm.console()
                .ifPresent(c -> recorders.put(field, new ConsoleRecorder(c, lines))));
        context.getStore(NAMESPACE).put(RECORDERS, recorders);
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        recorders(context).values().forEach(ConsoleRecorder::close);
    }

    /**
     * Adds each visible VM's console to the test's exception, as a suppressed {@link ConsoleTail}:
     * the lines printed since the test started, or, when it printed none, the last lines before.
     * Reports show it with the failure, with no logging setup; the exception is then rethrown.
     */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        Map<String, ConsoleRecorder> recorders = recorders(context);
        forEachVisibleVm(context, (field, vm, lines) -> {
            ConsoleRecorder r = recorders.get(field);
            String text;
            if (vm.console().isEmpty()) {
                text = "(no console: the VM's serial console is not a socket)";
            } else if (r != null && r.seen() > 0) {
                text = "the last " + r.lines().size() + " of " + r.seen() + " lines printed during the test:\n"
                        + sanitize(String.join("\n", r.lines()));
            } else {
                List<String> before = vm.console().get().tail(lines);
                text = "nothing printed during the test; the last " + before.size() + " lines before it:\n"
                        + sanitize(String.join("\n", before));
            }
            throwable.addSuppressed(new ConsoleTail("console of " + field + " (pid " + vm.pid() + "), " + text));
        });
        throw throwable;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        forEachVisibleVm(context, (field, vm, lines) -> {
            String tail = vm.console().map(c -> sanitize(String.join("\n", c.tail(lines))))
                    .map(t -> t.isBlank() ? "(the console printed nothing)" : t)
                    .orElse("(no console: the VM's serial console is not a socket)");
            log.warn("{} {} failed; console of {} (pid {}), last {} lines:\n{}",
                    context.getTestClass().map(Class::getSimpleName).orElse(""), context.getDisplayName(), field,
                    vm.pid(), lines, tail);
            try {
                context.publishReportEntry(CONSOLE_ENTRY + field, tail);
            } catch (RuntimeException ex) {
                log.warn("cannot attach the console of {} to the report: {}", field, ex.toString());
            }
        });
    }

    /** A VM a test sees: its field, the VM, and how many console lines its class reports. */
    private interface VisibleVm {
        void accept(String field, RunningVm vm, int tailLines);
    }

    private static void forEachVisibleVm(ExtensionContext context, VisibleVm action) {
        Set<String> seen = new LinkedHashSet<>();
        for (ClassVms vms : visible(context)) {
            for (Map.Entry<String, RunningVm> e : vms.running().entrySet()) {
                if (seen.add(e.getKey())) { // else shadowed by an inner class's VM of the same name
                    action.accept(e.getKey(), e.getValue(), vms.settings().tailLines());
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ConsoleRecorder> recorders(ExtensionContext context) {
        Map<String, ConsoleRecorder> r = context.getStore(NAMESPACE).get(RECORDERS, Map.class);
        return r != null ? r : Map.of();
    }

    // ---- lookups

    /** The VMs the class of {@code context} (a class-level context) declares, created on first use. */
    private static ClassVms classVms(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(key(context),
                k -> ClassVms.declaredOn(testClass, ClassVms.Settings.of(settingsOf(testClass))), ClassVms.class);
    }

    private static String key(ExtensionContext classContext) {
        return "vms:" + classContext.getUniqueId();
    }

    /** The {@link QemuVms} of the class or, for a nested class, of the nearest enclosing class that has one. */
    private static Optional<QemuVms> settingsOf(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            Optional<QemuVms> a = AnnotationSupport.findAnnotation(c, QemuVms.class);
            if (a.isPresent()) {
                return a;
            }
        }
        return Optional.empty();
    }

    /** The VMs of the class contexts from {@code context} outwards: the innermost class first. */
    private static List<ClassVms> visible(ExtensionContext context) {
        List<ClassVms> all = new ArrayList<>();
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            ExtensionContext ctx = c.get();
            if (ctx.getElement().filter(e -> e instanceof Class).isPresent() && ctx.getTestClass().isPresent()) {
                all.add(classVms(ctx));
            }
        }
        return all;
    }

    /** The VM of the {@link BootVm} field {@code name} (empty: the only one), booted if need be. */
    private static RunningVm lookup(ExtensionContext context, String name) {
        List<ClassVms> visible = visible(context);
        if (name.isEmpty()) {
            List<String> all = visible.stream().flatMap(v -> v.names().stream()).distinct().toList();
            if (all.size() != 1) {
                throw new ExtensionConfigurationException("@Vm without a name needs exactly one @BootVm VM, but "
                        + (all.isEmpty() ? "there is none" : "there are " + all + ": say which"));
            }
            name = all.get(0);
        }
        for (ClassVms vms : visible) {
            if (vms.declares(name)) {
                return vms.vm(name);
            }
        }
        String known = visible.stream().flatMap(v -> v.names().stream()).distinct().collect(Collectors.joining(", "));
        throw new ExtensionConfigurationException("@Vm(\"" + name + "\"): no @BootVm field named " + name
                + " in " + context.getRequiredTestClass().getSimpleName() + " or its enclosing classes"
                + (known.isEmpty() ? "" : " (there are: " + known + ")"));
    }

    /** Sets the {@link Vm} fields of {@code type}: the static ones when {@code instance} is null, else the instance's. */
    private static void injectFields(ExtensionContext context, Class<?> type, Object instance) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                Vm a = f.getAnnotation(Vm.class);
                if (a == null || Modifier.isStatic(f.getModifiers()) != (instance == null)) {
                    continue;
                }
                String where = "@Vm field " + c.getSimpleName() + "." + f.getName();
                if (f.getType() != RunningVm.class) {
                    throw new ExtensionConfigurationException(where + " is a " + f.getType().getSimpleName()
                            + "; it must be a RunningVm");
                }
                if (Modifier.isFinal(f.getModifiers())) {
                    throw new ExtensionConfigurationException(where + " must not be final");
                }
                RunningVm vm = lookup(context, a.value());
                try {
                    f.setAccessible(true);
                    f.set(instance, vm);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new ExtensionConfigurationException(where + " cannot be set: " + e, e);
                }
            }
        }
    }

    /** Console output may hold control characters (escape sequences) that reports cannot carry. */
    private static String sanitize(String text) {
        return text.replaceAll("[\\p{Cntrl}&&[^\n\t]]", "");
    }
}
