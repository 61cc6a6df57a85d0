package io.qemureactor.examples.snippets;

import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.vswitch.PortCounters;
import io.qemureactor.core.vswitch.SwitchSpec;
import io.qemureactor.core.vswitch.VSwitch;
import java.nio.file.Path;
import java.util.List;
import reactor.core.publisher.Mono;

/** docs/datapath.md's switch example, verbatim (DocSnippetsTest checks it; DocSnippetsIT runs it). */
final class VSwitchDocSnippet {

    private VSwitchDocSnippet() {
    }

    static List<PortCounters> run(String runBase) {
        List<PortCounters> counters = Mono.usingWhen(
                VSwitch.start(LocalHost.instance(), SwitchSpec.of("sw", 2), runBase),
                sw -> {
                    Path port0 = sw.socket(0);                 // VhostUserNic.client(port0) in a VmSpec
                    return sw.startForwarding().then(sw.stopForwarding()).then(sw.counters());
                },
                VSwitch::stop)                                 // also on error or cancel: testpmd gone, folder removed
                .block();
        return counters;
    }
}
