package io.qemureactor.bench;

import io.qemureactor.core.datapath.Chain;
import io.qemureactor.core.datapath.ChainFunction;
import io.qemureactor.core.datapath.ChainSpec;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.vswitch.SwitchSpec;
import io.qemureactor.core.vswitch.VSwitch;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code bench datapath}: packets/s through chains of 1, 2, ... testpmd-io VMs under TCG (a looped chain: packets
 * injected once circulate through every VM in both directions) against the same switch looped port to port with
 * no VM (two ring ports: the switch's own limit), all in one run; then the time from nothing to the first packet
 * through a counted chain. The measurements run one after the other, never two chains at once.
 */
public final class DatapathBenchmark {

    /** One throughput row: packets per second out of the chain, each direction. */
    public record Rate(String name, double forward, double backward) {
        double total() {
            return forward + backward;
        }
    }

    /** One cold-start row: from nothing to the chain ready, and to its first packet counted at the end. */
    public record FirstPacket(int vms, long readyMillis, long firstPacketMillis) {
    }

    private final List<Integer> vmCounts;
    private final Duration warmUp;
    private final Duration window;
    private final Duration readyTimeout;
    private final Host host = LocalHost.instance();
    private final Teardown teardown = new Teardown();

    public DatapathBenchmark(List<Integer> vmCounts, Duration warmUp, Duration window, Duration readyTimeout) {
        for (int n : vmCounts) {
            if (n < 1 || n > ChainSpec.MAX_VMS) {
                throw new IllegalArgumentException("--vms " + n + " must be 1 to " + ChainSpec.MAX_VMS);
            }
        }
        this.vmCounts = List.copyOf(vmCounts);
        this.warmUp = warmUp;
        this.window = window;
        this.readyTimeout = readyTimeout;
    }

    /** The switch's own limit, then each looped chain, one after another, when subscribed. */
    public Mono<List<Rate>> rates(GuestKit kit, PrintWriter progress) {
        QemuLauncher launcher = teardown.track(QemuLauncher.withDefaults());
        Mono<Rate> limit = BootBenchmark.say(progress, "datapath: the switch looped port to port (ring ports, no VM)...")
                .then(limit(launcher.options().runBase()));
        Flux<Rate> chains = Flux.fromIterable(vmCounts).concatMap(n -> {
            ChainSpec spec = ChainSpec.of(n, ChainFunction.TESTPMD_IO).withAccelerator(Accelerator.TCG)
                    .withReadyTimeout(readyTimeout).withLooped(true);
            return BootBenchmark.say(progress, String.format(Locale.ROOT, "datapath: %d testpmd-io VM(s), looped...", n))
                    .then(teardown.using(Chain.start(launcher, host, kit, spec), chain -> chain.loopRates(warmUp, window),
                            Chain::stop, "chain of " + n))
                    .map(r -> new Rate(n + (n == 1 ? " VM" : " VMs") + " (testpmd-io, TCG)", r.forward(), r.backward()));
        });
        return limit.concatWith(chains).collectList();
    }

    /** Completes once a cancelled measurement's chain or switch is gone. */
    public Mono<Void> settled() {
        return Mono.when(teardown.settled(), Chain.settled());
    }

    private Mono<Rate> limit(String runBase) {
        SwitchSpec spec = SwitchSpec.ringLoop("limit", 2);
        return teardown.using(VSwitch.start(host, spec, runBase),
                        sw -> sw.command("start tx_first " + VSwitch.BURSTS_PER_STEP).then(Mono.delay(warmUp)).then(sw.rates(window)),
                        VSwitch::stop, "the limit's switch")
                .map(r -> new Rate("no VM: the switch looped (2 ring ports)", r.get(0).rxPps(), r.get(1).rxPps()));
    }

    /** For each chain length, from nothing to its first packet counted at the end, when subscribed. */
    public Mono<List<FirstPacket>> firstPackets(GuestKit kit, PrintWriter progress) {
        QemuLauncher launcher = teardown.track(QemuLauncher.withDefaults());
        return Flux.fromIterable(vmCounts).concatMap(n -> {
            ChainSpec spec = ChainSpec.of(n, ChainFunction.TESTPMD_IO).withAccelerator(Accelerator.TCG)
                    .withReadyTimeout(readyTimeout);
            return BootBenchmark.say(progress, String.format(Locale.ROOT, "datapath: %d VM(s) from nothing to the first packet...", n))
                    .then(Mono.defer(() -> {
                        long t0 = System.nanoTime();
                        return teardown.using(Chain.start(launcher, host, kit, spec),
                                chain -> chain.send(VSwitch.MAX_BURST, Chain.DEFAULT_RATE).map(report -> {
                                    if (report.received() < 1) {
                                        throw new IllegalStateException(n + " VM chain: no packet came through (" + report + ")");
                                    }
                                    return new FirstPacket(n, chain.readyMillis(), (System.nanoTime() - t0) / 1_000_000);
                                }),
                                Chain::stop, "chain of " + n);
                    }));
        }).collectList();
    }

    public static void printRates(List<Rate> rates, PrintWriter out) {
        double limit = rates.get(0).total();
        out.println("| chain | packets/s forward | packets/s backward | total | of the limit |");
        out.println("| --- | ---: | ---: | ---: | ---: |");
        for (Rate r : rates) {
            out.println(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %.3f%% |", r.name(), r.forward(),
                    r.backward(), r.total(), 100 * r.total() / limit));
        }
        out.println();
        out.flush();
    }

    public static void printFirstPackets(List<FirstPacket> firsts, PrintWriter out) {
        out.println("| VMs | nothing -> chain ready | nothing -> first packet counted at the end |");
        out.println("| ---: | ---: | ---: |");
        for (FirstPacket f : firsts) {
            out.println(String.format(Locale.ROOT, "| %d | %.1f s | %.1f s |", f.vms(), f.readyMillis() / 1000.0,
                    f.firstPacketMillis() / 1000.0));
        }
        out.flush();
    }
}
