package io.qemureactor.examples;

import io.qemureactor.core.datapath.Chain;
import io.qemureactor.core.datapath.ChainFunction;
import io.qemureactor.core.datapath.ChainReport;
import io.qemureactor.core.datapath.ChainSpec;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.spec.Accelerator;

/**
 * The CSIT chain in one Mono (docs/datapath.md): a generator and a switch ({@code dpdk-testpmd} on the host),
 * N kernel VMs running testpmd-io between their vhost-user NICs, 1000 packets sent in at the first port and
 * counted at the last; then everything is stopped. Prints the counts and each VM's packets in and out.
 *
 * <p>Run: {@code scripts/build-guest && java -cp examples/target/qemu-reactor-examples.jar
 * io.qemureactor.examples.DatapathChain [N]} (default 2; needs {@code apt-get install dpdk-dev}).
 */
public final class DatapathChain {

    private DatapathChain() {
    }

    public static void main(String[] args) {
        int vms = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        QemuLauncher launcher = QemuLauncher.withDefaults();
        ChainSpec spec = ChainSpec.of(vms, ChainFunction.TESTPMD_IO).withAccelerator(Accelerator.TCG);
        ChainReport report = GuestKit.ensure()      // the test guest, built the first time
                .flatMap(kit -> Chain.run(launcher, LocalHost.instance(), kit, spec, 1000, Chain.DEFAULT_RATE))
                .block();                                  // start, send, count, stop: one cold Mono, one block() at the edge
        System.out.printf("sent %d, received %d, lost %d%n", report.sent(), report.received(), report.lost());
        report.vms().forEach(vm -> System.out.printf("%s (pid %d): in %d, out %d%n", vm.name(), vm.pid(),
                vm.rxPackets(), vm.txPackets()));
    }
}
