package io.qemureactor.core.datapath;

import io.qemureactor.core.function.InvalidFunctionConfigException;
import io.qemureactor.core.spec.Accelerator;
import java.time.Duration;
import java.util.Objects;

/**
 * A chain of {@code vms} kernel VMs, each running {@code function} between its two vhost-user NICs.
 *
 * @param vms          how many VMs, 1 to {@value #MAX_VMS}
 * @param function     what each VM runs
 * @param smp          vCPUs per VM (a DPDK function needs 2: a main lcore and a forwarding one)
 * @param memoryMib    guest memory (a DPDK function reserves 512 MiB of it as huge pages)
 * @param accelerator  AUTO uses KVM only where it really works; tests say TCG
 * @param readyTimeout how long a VM may take to have its function ready (TCG on a loaded machine is slow)
 * @param looped       no generator and no counting end: the switch pairs VM n's second NIC with VM 1's first,
 *                     so packets injected once circulate; for throughput ({@link Chain#loopRates})
 * @param testpmd      the host's testpmd, for the generator and the switch
 */
public record ChainSpec(int vms, ChainFunction function, int smp, int memoryMib, Accelerator accelerator,
        Duration readyTimeout, boolean looped, java.nio.file.Path testpmd) {

    /**
     * The most VMs a chain has.
     */
    public static final int MAX_VMS = 8;

    /**
     * Checks the components.
     *
     * @param vms how many VMs, 1 to {@value #MAX_VMS}
     * @param function what each VM runs
     * @param smp vCPUs per VM, at least 2
     * @param memoryMib guest memory per VM, at least 768 MiB
     * @param accelerator KVM, TCG or AUTO
     * @param readyTimeout how long a VM may take to have its function ready
     * @param looped whether the chain is looped (no generator)
     * @param testpmd the host's testpmd, for the generator and the switch
     * @throws io.qemureactor.core.function.InvalidFunctionConfigException naming the component that is out of range
     * @throws NullPointerException for a null component
     */
    public ChainSpec {
        if (vms < 1 || vms > MAX_VMS) {
            throw new InvalidFunctionConfigException("vms", vms + " must be 1 to " + MAX_VMS);
        }
        Objects.requireNonNull(function, "function");
        if (smp < 2) {
            throw new InvalidFunctionConfigException("smp", smp + ": the function needs a main and a forwarding vCPU (2)");
        }
        if (memoryMib < 768) {
            throw new InvalidFunctionConfigException("memoryMib", memoryMib + " MiB: at least 768 (512 are huge pages)");
        }
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(readyTimeout, "readyTimeout");
        Objects.requireNonNull(testpmd, "testpmd");
    }

    /**
     * 2 vCPUs and 1024 MiB per VM (the configuration docs/design §4 verified), accelerator AUTO, 5 minutes.
     *
     * @param vms how many VMs, 1 to {@value #MAX_VMS}
     * @param function what each VM runs
     * @return the spec; fails with {@link io.qemureactor.core.function.InvalidFunctionConfigException} for a VM count out of range
     */
    public static ChainSpec of(int vms, ChainFunction function) {
        return new ChainSpec(vms, function, 2, 1024, Accelerator.AUTO, Duration.ofMinutes(5), false,
                io.qemureactor.core.vswitch.SwitchSpec.DEFAULT_BINARY);
    }

    /**
     * This spec with another accelerator.
     *
     * @param a KVM, TCG or AUTO
     * @return a copy
     */
    public ChainSpec withAccelerator(Accelerator a) {
        return new ChainSpec(vms, function, smp, memoryMib, a, readyTimeout, looped, testpmd);
    }

    /**
     * This spec with another readiness bound per VM.
     *
     * @param timeout how long a VM may take to have its function ready
     * @return a copy
     */
    public ChainSpec withReadyTimeout(Duration timeout) {
        return new ChainSpec(vms, function, smp, memoryMib, accelerator, timeout, looped, testpmd);
    }

    /**
     * Another testpmd on the host for the generator and the switch (the guests run the host's /usr/bin one).
     *
     * @param program path of testpmd on the host
     * @return a copy
     */
    public ChainSpec withTestpmd(java.nio.file.Path program) {
        return new ChainSpec(vms, function, smp, memoryMib, accelerator, readyTimeout, looped, program);
    }

    /**
     * The looped variant, for throughput: see {@link #looped()}.
     *
     * @param on true for the looped variant
     * @return a copy
     */
    public ChainSpec withLooped(boolean on) {
        return new ChainSpec(vms, function, smp, memoryMib, accelerator, readyTimeout, on, testpmd);
    }
}
