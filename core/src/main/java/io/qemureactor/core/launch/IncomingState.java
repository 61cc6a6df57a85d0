package io.qemureactor.core.launch;

import io.qemureactor.qmp.QmpClient;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * A VM state a new QEMU loads instead of booting (a template's saved devices): used by
 * {@link QemuLauncher#restore}. The launcher starts QEMU paused with {@link #arguments()} added
 * (e.g. {@code -incoming defer}), connects QMP and the console as for a boot, runs {@link #load}, and
 * only then resumes the guest ({@code cont}) and runs the boot probe. A failed or cancelled load is a
 * failed launch: QEMU is killed and its run folder removed.
 */
public interface IncomingState {

    /**
     * Arguments added to QEMU's argv (after the spec's, before {@code -S}).
     *
     * @return the extra QEMU arguments, e.g. {@code -incoming defer}
     */
    List<String> arguments();

    /**
     * Loads the state through the VM's QMP session; completes once QEMU holds it, paused.
     *
     * @param qmp the VM's connected QMP client
     * @return a cold Mono that completes once the state is loaded; an error fails the launch
     */
    Mono<Void> load(QmpClient qmp);
}
