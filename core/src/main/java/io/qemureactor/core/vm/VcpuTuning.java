package io.qemureactor.core.vm;

import io.qemureactor.qmp.QmpCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The vCPU tuning of one {@link RunningVm}, which delegates to it: find the vCPU threads, pin them
 * to host CPUs with the affinity read back, make them real-time (the seed's {@code taskset} and
 * {@code chrt}, run on the VM's host as argv lists).
 */
final class VcpuTuning {

    private static final Logger log = LoggerFactory.getLogger(RunningVm.class);

    private final RunningVm vm;

    VcpuTuning(RunningVm vm) {
        this.vm = vm;
    }

    /**
     * The vCPU threads, from QMP {@code query-cpus-fast}; when QMP cannot tell, from
     * {@code /proc/PID/task/*}{@code /comm} names containing "CPU" (QEMU names them
     * {@code CPU n/KVM} with {@code debug-threads=on}).
     */
    Mono<List<VcpuThread>> threads() {
        return vm.qmp().execute(QmpCommands.queryCpusFast())
                .map(cpus -> cpus.stream().map(c -> new VcpuThread(c.cpuIndex(), c.threadId())).toList())
                .onErrorResume(e -> {
                    log.debug("{}: query-cpus-fast failed ({}), reading /proc", vm.name(), e.toString());
                    return vcpuThreadsFromProc();
                });
    }

    private Mono<List<VcpuThread>> vcpuThreadsFromProc() {
        // grep prints "/proc/PID/task/TID/comm:CPU 0/KVM" for each vCPU thread
        String tasks = "/proc/" + vm.pid() + "/task";
        return vm.host().exec(List.of("sh", "-c", "grep -H CPU \"$1\"/*/comm", "sh", tasks)).map(r -> {
            List<VcpuThread> threads = new ArrayList<>();
            for (String line : r.stdout().lines().toList()) {
                String[] pathAndName = line.split(":", 2);
                String tid = pathAndName[0].replace(tasks + "/", "").replace("/comm", "");
                String comm = pathAndName.length > 1 ? pathAndName[1] : "";
                int index = threads.size();
                String[] words = comm.split("[ /]");
                if (words.length > 1 && words[1].matches("\\d+")) {
                    index = Integer.parseInt(words[1]);
                }
                threads.add(new VcpuThread(index, Long.parseLong(tid)));
            }
            return threads;
        });
    }

    /**
     * Pins each vCPU thread to one host CPU ({@code taskset}) and reads the affinity back from
     * {@code /proc/PID/task/TID/status}: the result is what the kernel reports, checked to be
     * exactly the CPU asked for. CPUs the host does not have online fail first, with one line
     * that names them and the host's CPUs. Retried with backoff while QEMU has fewer vCPU threads
     * than the spec asks for, as the seed did (3 tries) — but without its fixed sleeps.
     */
    Mono<List<PinnedVcpu>> pin(PinningPolicy policy, int... hostCpus) {
        if (hostCpus.length == 0) {
            return Mono.error(new IllegalArgumentException("pin: name at least one host CPU"));
        }
        int[] cpus = hostCpus.clone();
        int expected = vm.spec().smp().vcpus();
        return checkOnline(cpus).then(threads())
                .filter(threads -> threads.size() == expected)
                .switchIfEmpty(Mono.error(() -> new VmOperationException(vm.name() + ": expected " + expected
                        + " vCPU threads, QEMU does not have them (yet)")))
                .retryWhen(Retry.backoff(policy.attempts() - 1L, policy.firstBackoff())
                        .filter(VmOperationException.class::isInstance)
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
                .flatMap(threads -> Flux.fromIterable(threads)
                        .concatMap(t -> pinOne(t, cpus[t.index() % cpus.length]))
                        .collectList());
    }

    /** Fails when a CPU is not online on the host (taskset would only say "Invalid argument"). */
    private Mono<Void> checkOnline(int[] cpus) {
        String online = "/sys/devices/system/cpu/online";
        return vm.host().readFile(online).map(b -> new String(b, StandardCharsets.US_ASCII)).flatMap(text -> {
            List<Integer> have = CpuList.parse(text);
            List<Integer> missing = Arrays.stream(cpus).filter(c -> !have.contains(c)).distinct().boxed().toList();
            return missing.isEmpty() ? Mono.<Void>empty()
                    : Mono.error(new VmOperationException(vm.name() + ": cannot pin to host CPU"
                            + (missing.size() > 1 ? "s " : " ") + missing.stream().map(String::valueOf)
                                    .collect(Collectors.joining(", "))
                            + ": " + vm.host().name() + " has CPUs " + text.strip() + " online (" + online + ")"));
        });
    }

    private Mono<PinnedVcpu> pinOne(VcpuThread thread, int cpu) {
        String tid = Long.toString(thread.threadId());
        return vm.host().exec(List.of("taskset", "-p", "-c", Integer.toString(cpu), tid))
                .flatMap(r -> r.succeeded() ? readStatus(thread.threadId())
                        : Mono.error(new VmOperationException(vm.name() + ": taskset failed for vCPU " + thread.index()
                                + ": " + r.describeFailure())))
                .flatMap(status -> {
                    String allowed = status.getOrDefault("Cpus_allowed_list", "");
                    return allowed.equals(Integer.toString(cpu))
                            ? Mono.just(new PinnedVcpu(thread, cpu, CpuList.parse(allowed)))
                            : Mono.error(new VmOperationException(vm.name() + ": vCPU " + thread.index() + " (thread " + tid
                                    + ") is allowed on CPUs " + allowed + " after pinning it to " + cpu));
                });
    }

    /**
     * Gives every vCPU thread SCHED_RR priority 1 (the seed's {@code chrt -r -p 1}) and reads the
     * policy back with {@code chrt -p}.
     */
    Mono<Void> setRealtime() {
        return threads().flatMapMany(Flux::fromIterable).concatMap(t -> {
            String tid = Long.toString(t.threadId());
            return vm.host().exec(List.of("chrt", "-r", "-p", "1", tid))
                    .flatMap(r -> r.succeeded() ? vm.host().exec(List.of("chrt", "-p", tid))
                            : Mono.error(new VmOperationException(vm.name() + ": chrt failed for vCPU " + t.index()
                                    + ": " + r.describeFailure())))
                    .flatMap(r -> r.stdout().contains("SCHED_RR") && r.stdout().contains("priority: 1")
                            ? Mono.<Void>empty()
                            : Mono.error(new VmOperationException(vm.name() + ": vCPU " + t.index()
                                    + " is not SCHED_RR priority 1 after chrt: " + r.stdout().strip())));
        }).then();
    }

    private Mono<Map<String, String>> readStatus(long tid) {
        return vm.host().readFile("/proc/" + vm.pid() + "/task/" + tid + "/status").map(bytes -> {
            Map<String, String> fields = new HashMap<>();
            for (String line : new String(bytes, StandardCharsets.UTF_8).lines().toList()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
                }
            }
            return fields;
        });
    }
}
