package io.qemureactor.cli;

import io.qemureactor.qmp.QmpConnectOptions;
import picocli.CommandLine.Option;

/** {@code --trace}: every QMP or guest agent frame sent and received, on stderr (the client's wire trace). */
final class TraceOption {

    @Option(names = "--trace", description = "Print every frame sent (->) and received (<-) on stderr.")
    boolean trace;

    /** The options with the wire trace switched on when asked for; the CLI's SLF4J provider then shows it. */
    QmpConnectOptions applyTo(QmpConnectOptions options) {
        if (!trace) {
            return options;
        }
        // slf4j-simple reads a logger's level when the logger is made, i.e. at the first connect: set it before
        System.setProperty("org.slf4j.simpleLogger.log." + QmpConnectOptions.WIRE_TRACE_LOGGER, "debug");
        return options.withWireTrace(true);
    }
}
