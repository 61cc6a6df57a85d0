package io.qemureactor.core.datapath;

import io.qemureactor.core.function.InvalidFunctionConfigException;
import io.qemureactor.core.spec.Accelerator;
import java.time.Duration;
import java.util.Objects;

/**
 * A chain of {@code vms} kernel VMs, each running {@code function} between its two vhost-user NICs.
 *
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

    public static final int MAX_VMS = 8;

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

    /** 2 vCPUs and 1024 MiB per VM (the configuration docs/design §4 verified), accelerator AUTO, 5 minutes. */
    public static ChainSpec of(int vms, ChainFunction function) {
        return new ChainSpec(vms, function, 2, 1024, Accelerator.AUTO, Duration.ofMinutes(5), false,
                io.qemureactor.core.vswitch.SwitchSpec.DEFAULT_BINARY);
    }

    public ChainSpec withAccelerator(Accelerator a) {
        return new ChainSpec(vms, function, smp, memoryMib, a, readyTimeout, looped, testpmd);
    }

    public ChainSpec withReadyTimeout(Duration timeout) {
        return new ChainSpec(vms, function, smp, memoryMib, accelerator, timeout, looped, testpmd);
    }

    /** Another testpmd on the host for the generator and the switch (the guests run the host's /usr/bin one). */
    public ChainSpec withTestpmd(java.nio.file.Path program) {
        return new ChainSpec(vms, function, smp, memoryMib, accelerator, readyTimeout, looped, program);
    }

    /** The looped variant, for throughput: see {@link #looped()}. */
    public ChainSpec withLooped(boolean on) {
        return new ChainSpec(vms, function, smp, memoryMib, accelerator, readyTimeout, on, testpmd);
    }
}
