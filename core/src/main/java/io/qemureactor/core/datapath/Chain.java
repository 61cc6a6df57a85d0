package io.qemureactor.core.datapath;

import io.qemureactor.core.fleet.Fleet;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.fleet.FleetOptions;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.PendingCleanups;
import io.qemureactor.core.function.KernelVm;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.spec.VhostUserNic;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.core.vm.ShutdownPolicy;
import io.qemureactor.core.vswitch.PortCounters;
import io.qemureactor.core.vswitch.PortTopology;
import io.qemureactor.core.vswitch.SwitchException;
import io.qemureactor.core.vswitch.SwitchMode;
import io.qemureactor.core.vswitch.SwitchSpec;
import io.qemureactor.core.vswitch.VSwitch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The CSIT chain on one host: a generator port, VM 1, the switch, VM 2, ..., VM n, the switch's last
 * port, where the packets are counted.
 *
 * <pre>
 *  generator        VM 1              VM 2                    VM n
 *  (testpmd,  --> [nic0  fn  nic1] -> [nic0  fn  nic1] -> ... [nic0  fn  nic1] --+
 *   port 0)               |  ^            |                         |            |
 *                         v  |            v                         v            v
 *  switch (testpmd io, paired): port 0 &lt;-&gt; port 1, port 2 &lt;-&gt; port 3, ..., port 2n-2 &lt;-&gt; discard
 * </pre>
 *
 * The generator is a testpmd of its own ({@link SwitchMode#RXONLY}, forwarding stopped between its bursts)
 * because testpmd's {@code start tx_first} sends on every port it forwards on: in the switch it would also
 * send backwards into the chain. The switch forwards VM k's second NIC to VM k+1's first one, and VM n's
 * second NIC to a port that drops (so that port is the counter at the end, and nothing loops). Every
 * socket is the switch's (server); the VMs connect as clients, after the switches are up, so neither side
 * waits for the other.
 *
 * <p>{@link #start} is all-or-nothing: the switches first, then the VMs as one {@link Fleet}; a failure or a
 * cancel stops what was started. A switch or VM that dies while the chain is in use fails the operation in
 * progress with a {@link SwitchException} naming it.
 */
public final class Chain {

    private static final Logger log = LoggerFactory.getLogger(Chain.class);

    /** The stops that a cancel started (nobody is subscribed to them any more), for {@link #settled()}. */
    private static final PendingCleanups CLEANUPS = new PendingCleanups();
    /** How often the counters are read while packets are in flight. */
    static final Duration POLL = Duration.ofMillis(200);
    /** No packet counted for this long after the last burst: the rest is lost. */
    static final Duration QUIET = Duration.ofSeconds(3);
    /** The links of a freshly booted chain come up within this. */
    static final Duration LINKS = Duration.ofSeconds(120);
    /** The VMs' virtio rings. */
    static final int RING = 1024;
    /** A rate this machine's TCG chain of up to 2 VMs forwards with no loss (docs/datapath.md). */
    public static final long DEFAULT_RATE = 5_000;

    private final ChainSpec spec;
    private final VSwitch generator;
    private final VSwitch fabric;
    private final Fleet fleet;
    private final List<RunningVm> vms;
    private final long readyMillis;
    private final Mono<Void> stop;

    private Chain(ChainSpec spec, VSwitch generator, VSwitch fabric, Fleet fleet, List<RunningVm> vms, long readyMillis) {
        this.spec = spec;
        this.generator = generator;
        this.fabric = fabric;
        this.fleet = fleet;
        this.vms = List.copyOf(vms);
        this.readyMillis = readyMillis;
        // the VMs first (they are the switches' clients), then both switches; every part is stopped even if one fails
        this.stop = fleet.shutdown().onErrorResume(e -> {
            log.warn("chain: stopping the VMs: {}", e.toString());
            return Mono.empty();
        }).then(Mono.whenDelayError(generator == null ? Mono.empty() : generator.stop(), fabric.stop())).cache();
    }

    /**
     * Starts the chain on {@code host}: the generator and the switch (their run folders under the launcher's run
     * base), then the VMs booted from {@code kit} as one fleet, then waits until every port's link is up.
     *
     * @param launcher boots the VMs; its run base holds the switches' run folders too
     * @param host where the switches and VMs run
     * @param kit the guest kernel and initramfs the VMs boot
     * @param spec the chain
     * @return a cold Mono of the ready chain, which the caller must {@link #stop()}; fails with the launcher's errors, {@link SwitchException} (a switch did not start, or the links did not come up within 120 s) or {@link io.qemureactor.core.host.CommandNotFoundException} (no testpmd), having stopped what it started
     */
    public static Mono<Chain> start(QemuLauncher launcher, Host host, GuestKit kit, ChainSpec spec) {
        return Mono.defer(() -> {
            long t0 = System.nanoTime();
            String runBase = launcher.options().runBase();
            SwitchSpec gen = SwitchSpec.of("gen", 1).withMode(SwitchMode.RXONLY).withTopology(PortTopology.LOOP)
                    .withBinary(spec.testpmd());
            SwitchSpec fab = (spec.looped()
                    ? SwitchSpec.of("switch", 2 * spec.vms()).withMode(SwitchMode.IO).withTopology(PortTopology.PAIRED)
                    : SwitchSpec.of("switch", 2 * spec.vms() - 1).withMode(SwitchMode.IO)
                            .withTopology(PortTopology.PAIRED).withDiscardPort())
                    .withBinary(spec.testpmd());
            if (spec.looped()) {
                return using(VSwitch.start(host, fab, runBase), f -> f.startForwarding()
                        .then(boot(launcher, kit, spec, null, f, t0)));
            }
            return using(VSwitch.start(host, gen, runBase), g ->
                    using(VSwitch.start(host, fab, runBase), f -> f.startForwarding()
                            .then(boot(launcher, kit, spec, g, f, t0))));
        });
    }

    /** Runs {@code next} with a started switch; stops the switch if {@code next} fails or is cancelled. */
    private static <T> Mono<T> using(Mono<VSwitch> start, Function<VSwitch, Mono<T>> next) {
        return start.flatMap(sw -> next.apply(sw)
                .onErrorResume(e -> sw.stop().onErrorResume(x -> Mono.empty()).then(Mono.error(e)))
                .doOnCancel(() -> CLEANUPS.run(sw.stop(), "stop of " + sw)));
    }

    private static Mono<Chain> boot(QemuLauncher launcher, GuestKit kit, ChainSpec spec, VSwitch gen, VSwitch fab, long t0) {
        List<FleetMember> members = IntStream.rangeClosed(1, spec.vms())
                .mapToObj(i -> KernelVm.of(spec.function().function(kit, i, spec.vms(), spec.smp()))
                        .withProbeTimeout(spec.readyTimeout())
                        .member(launcher, base(kit, spec, i, firstNic(gen, fab, i, spec.vms()), secondNic(fab, i))))
                .toList();
        Fleet fleet = Fleet.boot(launcher, members, FleetOptions.defaults().withShutdownPolicy(ShutdownPolicy.withoutGuest()));
        return fleet.ready()
                .map(result -> result.running())
                .flatMap(running -> linksUp(gen, fab)
                        .then(Mono.fromSupplier(() -> new Chain(spec, gen, fab, fleet, running,
                                (System.nanoTime() - t0) / 1_000_000)))
                        .onErrorResume(e -> fleet.shutdown().onErrorResume(x -> Mono.empty()).then(Mono.error(e)))
                        .doOnCancel(() -> CLEANUPS.run(fleet.disposeLater(), "stop of the chain's VMs")));
    }

    private static VmSpec.Builder base(GuestKit kit, ChainSpec spec, int vm, Path nic0, Path nic1) {
        return kit.spec(vm, GuestKit.Flavour.KERNEL)
                .name("chain-vm" + vm)
                .smp(spec.smp())
                .memoryMib(spec.memoryMib())
                .accelerator(spec.accelerator())
                // 1024-entry rings (vhost-user allows it, QEMU's default is 256): room for the generator's steps
                .addVhostUserNic(VhostUserNic.client(nic0).withQueueSize(RING))
                .addVhostUserNic(VhostUserNic.client(nic1).withQueueSize(RING));
    }

    /**
     * VM {@code vm}'s first NIC: for VM 1 the generator (or, looped, the switch's last port, paired with VM n's
     * second NIC), else the switch port paired with VM vm-1's second NIC.
     */
    static Path firstNic(VSwitch gen, VSwitch fab, int vm, int vms) {
        if (vm == 1) {
            return gen == null ? fab.socket(2 * vms - 1) : gen.socket(0);
        }
        return fab.socket(2 * vm - 3);
    }

    /** VM {@code vm}'s second NIC: switch port 2(vm-1); VM n's is the counting port. */
    static Path secondNic(VSwitch fab, int vm) {
        return fab.socket(2 * vm - 2);
    }

    /** Every vhost-user port up (the guests' drivers set up their rings), read until it is, within {@link #LINKS}. */
    private static Mono<Void> linksUp(VSwitch gen, VSwitch fab) {
        Mono<Boolean> all = Flux.concat(gen == null ? Mono.just(true) : gen.linkUp(0),
                Flux.range(0, fab.spec().ports()).concatMap(fab::linkUp)).all(up -> up);
        // a tick while a reading is still under way (a loaded machine answers slowly) is dropped, not an overflow
        return Flux.interval(Duration.ZERO, POLL).onBackpressureDrop().concatMap(tick -> all, 1).filter(up -> up).next()
                .timeout(LINKS, Mono.error(() -> new SwitchException("the chain's links did not come up within " + LINKS
                        + ": a guest function did not start its NICs")))
                .then();
    }

    /**
     * What this chain was started from.
     *
     * @return the spec
     */
    public ChainSpec spec() {
        return spec;
    }

    /**
     * The chain's VMs, VM 1 first.
     *
     * @return the running VMs, unmodifiable
     */
    public List<RunningVm> vms() {
        return vms;
    }

    /**
     * The generator: port 0 leads into VM 1; null in a looped chain.
     *
     * @return the generator switch, or {@code null} if the chain is looped
     */
    public VSwitch generator() {
        return generator;
    }

    /**
     * The switch between the VMs; its port {@link #egressPort()} counts what comes out of VM n.
     *
     * @return the switch
     */
    public VSwitch fabric() {
        return fabric;
    }

    /**
     * The switch port that receives what VM n sends out of its second NIC: {@code 2 * vms - 2}.
     *
     * @return the 0-based port number on {@link #fabric()}
     */
    public int egressPort() {
        return 2 * spec.vms() - 2;
    }

    /**
     * How long the chain took to become ready, from the start's subscription to every link up.
     *
     * @return the time in milliseconds
     */
    public long readyMillis() {
        return readyMillis;
    }

    /**
     * Sends {@code packets} into VM 1 at {@code packetsPerSecond}, waits until the last switch port has
     * counted them all or nothing more arrives for {@link #QUIET}, and reports. Fails with a
     * {@link SwitchException} if a switch or VM of the chain dies meanwhile.
     *
     * @param packets how many packets to send, at least 1
     * @param packetsPerSecond the generator's pace, at least 1
     * @return a cold Mono of the report; fails with {@link IllegalStateException} on a looped chain, {@link IllegalArgumentException} for non-positive arguments
     */
    public Mono<ChainReport> send(long packets, long packetsPerSecond) {
        if (generator == null) {
            return Mono.error(new IllegalStateException("a looped chain has no generator: use loopRates"));
        }
        Mono<ChainReport> measure = Mono.defer(() -> Mono.zip(generator.counters(), fabric.counters())
                .flatMap(before -> {
                    long t0 = System.nanoTime();
                    return generator.send(packets, packetsPerSecond)
                            .then(generator.counters(0))
                            .flatMap(gen -> settle(before.getT2().get(egressPort()).rxPackets(),
                                    gen.txPackets() - before.getT1().get(0).txPackets()))
                            .flatMap(lastArrival -> Mono.zip(generator.counters(), fabric.counters())
                                    .map(after -> report(packets, packetsPerSecond, before.getT1(), before.getT2(),
                                            after.getT1(), after.getT2(), lastArrival - t0)));
                }));
        return Mono.firstWithSignal(measure, died());
    }

    /** Reads the counting port until {@code expected} packets arrived or it stays quiet; the last arrival's time. */
    private Mono<Long> settle(long rxBefore, long expected) {
        return Mono.defer(() -> {
            AtomicLong last = new AtomicLong(-1);
            AtomicLong changedAt = new AtomicLong(System.nanoTime());
            AtomicLong arrivedAt = new AtomicLong(System.nanoTime());
            return Flux.interval(Duration.ZERO, POLL)
                    .onBackpressureDrop() // one reading at a time; ticks during a slow one are dropped
                    .concatMap(tick -> fabric.counters(egressPort()).map(PortCounters::rxPackets), 1)
                    .takeUntil(rx -> {
                        long now = System.nanoTime();
                        if (rx != last.getAndSet(rx)) {
                            changedAt.set(now);
                            if (rx > rxBefore) {
                                arrivedAt.set(now);
                            }
                        }
                        return rx - rxBefore >= expected || now - changedAt.get() > QUIET.toNanos();
                    })
                    .then(Mono.fromSupplier(arrivedAt::get));
        });
    }

    private ChainReport report(long requested, long rate, List<PortCounters> genBefore, List<PortCounters> fabBefore,
                               List<PortCounters> genAfter, List<PortCounters> fabAfter, long nanos) {
        List<ChainReport.Port> ports = new ArrayList<>();
        ports.add(port("gen", genBefore.get(0), genAfter.get(0), "chain-vm1 nic0"));
        for (int p = 0; p < fabAfter.size(); p++) {
            ports.add(port("switch", fabBefore.get(p), fabAfter.get(p), attachedTo(p)));
        }
        long sent = ports.get(0).txPackets();
        long received = ports.get(1 + egressPort()).rxPackets();
        List<ChainReport.Vm> vmReports = new ArrayList<>();
        for (int i = 1; i <= vms.size(); i++) {
            RunningVm vm = vms.get(i - 1);
            long in = i == 1 ? sent : ports.get(1 + 2 * i - 3).txPackets();
            long out = ports.get(1 + 2 * i - 2).rxPackets();
            vmReports.add(new ChainReport.Vm(vm.name(), vm.pid(), vm.accelerator().toString(),
                    vm.bootTime().toMillis(), in, out));
        }
        double pps = nanos > 0 ? received * 1e9 / nanos : 0;
        return new ChainReport(spec.function().label(), 0, readyMillis, requested, sent, requested - sent, received,
                sent - received, pps, rate, vmReports, ports);
    }

    private String attachedTo(int port) {
        if (port == fabric.spec().ports()) {
            return "discard";
        }
        int vm = port % 2 == 0 ? port / 2 + 1 : (port + 3) / 2;
        return "chain-vm" + vm + (port % 2 == 0 ? " nic1" : " nic0");
    }

    private static ChainReport.Port port(String name, PortCounters before, PortCounters after, String attachedTo) {
        return new ChainReport.Port(name, after.port(), attachedTo, after.rxPackets() - before.rxPackets(),
                after.txPackets() - before.txPackets(), after.rxMissed() - before.rxMissed(),
                after.txErrors() - before.txErrors());
    }

    /**
     * A looped chain's throughput: the switch stops, injects {@value VSwitch#BURSTS_PER_STEP} bursts on every port
     * ({@code start tx_first}), which then circulate through every VM in both directions; after {@code warmUp} the
     * ports' rates are measured over {@code window}. {@code forward} is what VM n sends out of its second NIC per
     * second, {@code backward} what VM 1 sends out of its first.
     *
     * @param warmUp how long the packets circulate before the measure
     * @param window how long the rates are measured over
     * @return a cold Mono of the rates in packets per second; fails with {@link IllegalStateException} on a chain that is not looped, {@link SwitchException} if a part dies meanwhile
     */
    public Mono<LoopRates> loopRates(Duration warmUp, Duration window) {
        if (!spec.looped()) {
            return Mono.error(new IllegalStateException("only a looped chain (ChainSpec.withLooped) circulates packets"));
        }
        Mono<LoopRates> measure = fabric.stopForwarding()
                .then(fabric.command("start tx_first " + VSwitch.BURSTS_PER_STEP))
                .then(Mono.delay(warmUp))
                .then(fabric.rates(window))
                .map(rates -> new LoopRates(rates.get(egressPort()).rxPps(), rates.get(egressPort() + 1).rxPps()));
        return Mono.firstWithSignal(measure, died());
    }

    /**
     * Packets per second out of the last VM (forward) and out of the first VM's first NIC (backward).
     *
     * @param forward  packets per second out of VM n's second NIC
     * @param backward packets per second out of VM 1's first NIC
     */
    public record LoopRates(double forward, double backward) {
        /**
         * Both directions together.
         *
         * @return {@code forward + backward}, in packets per second
         */
        public double total() {
            return forward + backward;
        }
    }

    /** Fails as soon as a switch or a VM of the chain exits, naming it. */
    private <T> Mono<T> died() {
        List<Mono<String>> exits = new ArrayList<>();
        if (generator != null) {
            exits.add(generator.onExit().map(code -> generator + " exited with status " + code));
        }
        exits.add(fabric.onExit().map(code -> fabric + " exited with status " + code));
        vms.forEach(vm -> exits.add(vm.onExit().map(code -> "VM " + vm.name() + " (pid " + vm.pid() + ") exited")));
        return Mono.firstWithValue(exits).flatMap(why -> Mono.error(new SwitchException("the chain broke: " + why)));
    }

    /**
     * Stops the VMs, then both switches; completes when every process is gone and its folder removed. Idempotent.
     *
     * @return the shared stop Mono; lazy, run once on first subscription, then replayed
     */
    public Mono<Void> stop() {
        return stop;
    }

    /**
     * The whole run in one Mono: start, send {@code packets} at {@code packetsPerSecond}, stop; the report's
     * wall time includes the teardown. Cancelling stops everything started.
     *
     * @param launcher boots the VMs
     * @param host where the chain runs
     * @param kit the guest kernel and initramfs the VMs boot
     * @param spec the chain; must not be looped
     * @param packets how many packets to send, at least 1
     * @param packetsPerSecond the generator's pace, at least 1
     * @return a cold Mono of the report, after the chain is stopped; fails as {@link #start} and {@link #send}
     */
    public static Mono<ChainReport> run(QemuLauncher launcher, Host host, GuestKit kit, ChainSpec spec, long packets,
                                        long packetsPerSecond) {
        return Mono.defer(() -> {
            long t0 = System.nanoTime();
            return Mono.usingWhen(start(launcher, host, kit, spec),
                            chain -> chain.send(packets, packetsPerSecond),
                            Chain::stop, (chain, e) -> chain.stop(), chain -> CLEANUPS.run(chain.stop(), "stop of " + chain))
                    .map(r -> r.withWallMillis((System.nanoTime() - t0) / 1_000_000));
        });
    }

    /**
     * Completes when every stop that a cancelled {@link #start} or {@link #run} began has ended: each QEMU and
     * testpmd gone and its run folder removed. A cancel cannot be awaited through the cancelled Mono; this is how
     * whoever cancelled (a CLI's Ctrl-C, a test's timeout) awaits the teardown, like
     * {@link QemuLauncher#settled()} for launches.
     *
     * @return completes once the cancelled chains' teardowns (and cancelled switch starts) have ended
     */
    public static Mono<Void> settled() {
        return Mono.when(CLEANUPS.settled(), VSwitch.settled());
    }

    @Override
    public String toString() {
        return "chain of " + vms.size() + " " + spec.function().label() + " VMs";
    }
}
