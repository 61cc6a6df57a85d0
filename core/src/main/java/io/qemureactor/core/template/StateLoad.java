package io.qemureactor.core.template;

import io.qemureactor.core.launch.IncomingState;
import io.qemureactor.qmp.QmpClient;
import io.qemureactor.qmp.QmpCommands;
import io.qemureactor.qmp.QmpEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;

/**
 * Loads a template's saved devices into a QEMU started with {@code -incoming defer}: the same capabilities
 * as when it was saved ({@code x-ignore-shared}: the stream holds no RAM, the clone maps the RAM file), then
 * {@code migrate-incoming}, then the {@code MIGRATION} event that says it completed. QEMU sets the run
 * state (paused) before it emits that event, so the launcher's {@code cont} that follows finds it loaded.
 * When the load fails QEMU 7.2 exits; the launcher reports its last line of output.
 */
final class StateLoad implements IncomingState {

    /** Loading ~0.3 MB of device state takes milliseconds; this only bounds a QEMU that hangs. */
    static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);
    private static final Set<String> ENDS = Set.of("completed", "failed", "cancelled");

    private final Path stateFile;

    StateLoad(Path stateFile) {
        this.stateFile = stateFile;
    }

    @Override
    public List<String> arguments() {
        return List.of("-incoming", "defer");
    }

    @Override
    public Mono<Void> load(QmpClient qmp) {
        String uri = MigrationFile.readUri(stateFile);
        return qmp.execute(QmpCommands.migrateSetCapability("x-ignore-shared", true))
                .then(qmp.execute(QmpCommands.migrateSetCapability("events", true)))
                .then(qmp.awaitEvent(StateLoad::ended, qmp.execute(QmpCommands.migrateIncoming(uri))))
                .flatMap(e -> "completed".equals(status(e)) ? Mono.<Void>empty()
                        : Mono.error(new InvalidTemplateException("loading " + stateFile + " ended with status " + status(e))))
                .timeout(LOAD_TIMEOUT, Mono.error(() -> new InvalidTemplateException("loading " + stateFile
                        + " did not complete within " + LOAD_TIMEOUT.toSeconds() + " s", new TimeoutException())));
    }

    static boolean ended(QmpEvent e) {
        return e.is("MIGRATION") && ENDS.contains(status(e));
    }

    static String status(QmpEvent e) {
        return e.data().path("status").asText();
    }
}
