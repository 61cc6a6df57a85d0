package io.qemureactor.bench;

import io.qemureactor.core.fleet.Fleet;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.fleet.FleetOptions;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.template.CloneOptions;
import io.qemureactor.core.template.TemplateMaker;
import io.qemureactor.core.template.TemplateRestorer;
import io.qemureactor.core.template.VmTemplate;
import io.qemureactor.core.vm.RunningVm;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code bench template}: clones of a template of the test guest against cold boots of the same guest, in
 * one run. A VM counts as ready when its agent answers (a clone: and its clock is set), for both. Rows: one
 * clone at a time (median and max over the rounds, with where the time goes: launch to resumed, resumed to
 * agent answering, clock), fleets of N clones against cold fleets of N (wall time), and the PSS of 8 clones
 * against one cold VM's.
 */
public final class TemplateBenchmark {

    private static final Duration LIMIT = Duration.ofMinutes(15);
    private static final Duration READY_LIMIT = Duration.ofMinutes(10);

    /** One clone's times, ms: launch to resumed (QEMU up, state loaded, cont), to agent ready, to clock set. */
    public record CloneRow(long resumedMillis, long agentMillis, long readyMillis) {
    }

    /** A fleet size's wall times, ms, and the PSS sum of its VMs while up, KiB. */
    public record FleetRow(int size, long cloneMillis, long coldMillis, long clonePssKib, long coldPssKib) {
    }

    public record Result(long templateMillis, List<CloneRow> clones, List<FleetRow> fleets) {
    }

    private final int rounds;
    private final int[] sizes;
    private final Teardown teardown = new Teardown();

    public TemplateBenchmark(int rounds, int[] sizes) {
        if (rounds < 1 || rounds > 50) {
            throw new IllegalArgumentException("--rounds must be between 1 and 50, got " + rounds);
        }
        if (sizes.length == 0 || Arrays.stream(sizes).anyMatch(n -> n < 1 || n > 32)) {
            throw new IllegalArgumentException("--sizes must be fleet sizes between 1 and 32, got " + Arrays.toString(sizes));
        }
        this.rounds = rounds;
        this.sizes = sizes.clone();
    }

    /** The template, the single clones, then the fleets, when subscribed; every VM and the template are removed whatever happens. */
    public Mono<Result> run(GuestKit kit, PrintWriter progress) {
        QemuLauncher launcher = teardown.track(QemuLauncher.withDefaults());
        IntFunction<VmSpec> spec = id -> kit.spec(id, GuestKit.Flavour.DEFAULT).accelerator(Accelerator.TCG).build();
        return teardown.using(BlockingIo.call(() -> Files.createTempDirectory(Path.of("/tmp"), "qr-bench-template-")),
                folder -> Mono.defer(() -> {
                    long t0 = System.nanoTime();
                    Mono<VmTemplate> make = new TemplateMaker(launcher).create(folder.resolve("t"), spec.apply(1),
                            // bounded like the fleets' members: at load 35 the template's own boot missed the probes' 120 s
                            BootProbe.all(kit.readyProbe().withTimeout(READY_LIMIT), BootProbe.qga().withTimeout(READY_LIMIT)))
                            .timeout(LIMIT);
                    return teardown.using(make, template -> {
                        long templateMillis = millis(System.nanoTime() - t0);
                        return say(progress, "bench template: template made in %d ms (%d KiB of device state)", templateMillis,
                                template.manifest().stateBytes() / 1024)
                                .then(measure(kit, launcher, template, spec, progress, templateMillis));
                    }, VmTemplate::delete, "template");
                }),
                folder -> launcher.settled().then(BlockingIo.run(() -> BootGuests.deleteTree(folder))), "template folder");
    }

    /** Completes once a cancelled run's VMs and template are gone. */
    public Mono<Void> settled() {
        return teardown.settled();
    }

    private Mono<Result> measure(GuestKit kit, QemuLauncher launcher, VmTemplate template, IntFunction<VmSpec> spec,
                                 PrintWriter progress, long templateMillis) {
        TemplateRestorer restorer = new TemplateRestorer(launcher);
        Mono<List<CloneRow>> clones = Flux.range(1, rounds)
                .concatMap(round -> oneClone(restorer, template, spec.apply(round))
                        .flatMap(row -> say(progress, "bench template: clone %d: resumed %d ms, agent %d ms, ready (clock set) %d ms",
                                round, row.resumedMillis(), row.agentMillis(), row.readyMillis()).thenReturn(row)))
                .collectList();
        Mono<List<FleetRow>> fleets = Flux.fromArray(Arrays.stream(sizes).boxed().toArray(Integer[]::new))
                .concatMap(n -> {
                    // generous bounds: a cold fleet of 8 TCG guests on a shared 2-core machine can take minutes
                    Mono<long[]> clone = fleet(launcher, ids(n).stream().map(id -> restorer.member(template, spec.apply(id),
                            CloneOptions.defaults().withReadyTimeout(READY_LIMIT))).toList());
                    // the marker first, then the agent: the agent probe's own bound (120 s) then starts once the guest is up
                    Mono<long[]> cold = fleet(launcher, ids(n).stream().map(id -> FleetMember.of(spec.apply(id),
                            timed(kit.readyProbe().withTimeout(READY_LIMIT), BootProbe.qga().withTimeout(READY_LIMIT), new long[2]))).toList());
                    return clone.zipWhen(c -> cold, (c, d) -> new FleetRow(n, c[0], d[0], c[1], d[1]))
                            .flatMap(row -> say(progress, "bench template: fleet of %d: clones %d ms (PSS %d MiB), cold %d ms (PSS %d MiB)",
                                    n, row.cloneMillis(), row.clonePssKib() / 1024, row.coldMillis(), row.coldPssKib() / 1024)
                                    .thenReturn(row));
                })
                .collectList();
        return clones.zipWhen(c -> fleets, (c, f) -> new Result(templateMillis, c, f));
    }

    private Mono<CloneRow> oneClone(TemplateRestorer restorer, VmTemplate template, VmSpec spec) {
        return Mono.defer(() -> {
            long[] at = new long[2];
            long started = System.nanoTime();
            BootProbe probe = timed(BootProbe.qga().withTimeout(READY_LIMIT),
                    TemplateRestorer.readyProbe(CloneOptions.defaults().withReadyTimeout(READY_LIMIT)), at);
            return teardown.using(restorer.restore(LocalHost.instance(), template, spec, probe).timeout(LIMIT),
                    vm -> Mono.fromCallable(() -> System.nanoTime()), RunningVm::shutdown, "clone " + spec.name())
                    .map(ready -> new CloneRow(millis(at[0] - started), millis(at[1] - started), millis(ready - started)));
        });
    }

    /** Wall ms from the fleet's start to all ready, and the PSS sum (KiB) of its QEMUs while they are up. */
    private Mono<long[]> fleet(QemuLauncher launcher, List<FleetMember> members) {
        return teardown.using(Mono.fromCallable(() -> Fleet.boot(launcher, members, FleetOptions.defaults())), fleet -> {
            long started = System.nanoTime();
            return fleet.ready().timeout(LIMIT).flatMap(result -> {
                long wall = millis(System.nanoTime() - started);
                return BlockingIo.call(() -> new long[] {wall, result.running().stream().mapToLong(vm -> pssKib(vm.pid())).sum()});
            });
        }, Fleet::shutdown, "fleet of " + members.size());
    }

    /** The process's proportional set size: shared pages count once, split among the processes that map them. */
    static long pssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static List<Integer> ids(int n) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add(i);
        }
        return ids;
    }

    public static void print(Result r, PrintWriter out) {
        long[] ready = r.clones().stream().mapToLong(CloneRow::readyMillis).sorted().toArray();
        long[] resumed = r.clones().stream().mapToLong(CloneRow::resumedMillis).sorted().toArray();
        long[] agent = r.clones().stream().mapToLong(c -> c.agentMillis() - c.resumedMillis()).sorted().toArray();
        long[] clock = r.clones().stream().mapToLong(c -> c.readyMillis() - c.agentMillis()).sorted().toArray();
        out.printf(Locale.ROOT, "template made in %d ms%n%n", r.templateMillis());
        out.println("| one clone (" + ready.length + " rounds) | median ms | max ms |");
        out.println("| --- | --- | --- |");
        out.printf(Locale.ROOT, "| restore call to ready (agent answers, clock set) | %d | %d |%n", median(ready), ready[ready.length - 1]);
        out.printf(Locale.ROOT, "| of which: launch to resumed (QEMU, QMP, console, state loaded, cont) | %d | %d |%n", median(resumed), resumed[resumed.length - 1]);
        out.printf(Locale.ROOT, "| of which: resumed to agent answering | %d | %d |%n", median(agent), agent[agent.length - 1]);
        out.printf(Locale.ROOT, "| of which: guest-set-time | %d | %d |%n%n", median(clock), clock[clock.length - 1]);
        out.println("| fleet | clones ms | cold boots ms | ratio | clones' PSS MiB | cold VMs' PSS MiB |");
        out.println("| --- | --- | --- | --- | --- | --- |");
        long coldOne = r.fleets().stream().filter(f -> f.size() == 1).mapToLong(FleetRow::coldPssKib).findFirst().orElse(0);
        for (FleetRow f : r.fleets()) {
            out.printf(Locale.ROOT, "| %d | %d | %d | %.3fx | %d | %d |%n", f.size(), f.cloneMillis(), f.coldMillis(),
                    f.coldMillis() == 0 ? 0.0 : (double) f.cloneMillis() / f.coldMillis(), f.clonePssKib() / 1024, f.coldPssKib() / 1024);
        }
        if (coldOne > 0) {
            r.fleets().stream().filter(f -> f.size() == 8).findFirst().ifPresent(f -> out.printf(Locale.ROOT,
                    "%n8 clones' PSS: %d MiB = %.2fx one cold VM's (%d MiB)%n", f.clonePssKib() / 1024,
                    (double) f.clonePssKib() / coldOne, coldOne / 1024));
        }
        out.flush();
    }

    private static long median(long[] sorted) {
        return sorted[sorted.length / 2];
    }

    private static long millis(long nanos) {
        return Duration.ofNanos(nanos).toMillis();
    }

    private static Mono<Void> say(PrintWriter out, String format, Object... args) {
        return BootBenchmark.say(out, String.format(Locale.ROOT, format, args));
    }

    /** Runs {@code first} then {@code then}, noting when the first starts and completes (nanoTime) in {@code at}. */
    private static BootProbe timed(BootProbe first, BootProbe then, long[] at) {
        return first.doOnStart(context -> at[0] = System.nanoTime())
                .doOnReady(context -> at[1] = System.nanoTime())
                .then(then);
    }
}
