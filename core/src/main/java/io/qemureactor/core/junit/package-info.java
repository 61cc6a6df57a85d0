/**
 * A JUnit 5 extension for harnesses that embed qemu-reactor: VMs declared on a test class
 * ({@link io.qemureactor.core.junit.BootVm} fields of a {@link io.qemureactor.core.junit.QemuVms}
 * class) boot concurrently through a {@link io.qemureactor.core.fleet.Fleet} before its tests,
 * are injected as {@link io.qemureactor.core.vm.RunningVm} ({@link io.qemureactor.core.junit.Vm}),
 * and are stopped after them; a failed test's report gets each VM's console tail. See
 * {@code docs/junit.md}.
 *
 * <p>junit-jupiter-api is an optional dependency of core: a harness that uses this package has
 * it already.
 */
package io.qemureactor.core.junit;
