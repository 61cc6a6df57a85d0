package io.qemureactor.core.junit;

/**
 * How a {@link BootVm} field's VM is known to be up: a named
 * {@link io.qemureactor.core.probe.BootProbe} strategy. For anything else declare a
 * {@link VmDeclaration} with the probe itself.
 */
public enum ProbeKind {
    /** A console line contains {@link BootVm#marker()} (default: the test guest's "ready" line). */
    SERIAL_MARKER,
    /** The guest agent answers {@code guest-ping} ({@code BootProbe.qga()}). */
    QGA,
    /** QMP {@code query-status} says {@code running} ({@code BootProbe.qmpStatus("running")}): QEMU runs, nothing is known of the guest. */
    QMP_RUNNING,
    /** Both {@link #SERIAL_MARKER} and {@link #QGA}. */
    SERIAL_MARKER_AND_QGA
}
