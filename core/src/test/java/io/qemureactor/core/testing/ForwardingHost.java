package io.qemureactor.core.testing;

import io.qemureactor.core.host.CommandResult;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.HostProcess;
import io.qemureactor.core.host.InteractiveProcess;
import io.qemureactor.core.host.PendingCleanups;
import io.qemureactor.core.host.Reaper;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * A {@link Host} that passes every call to another one: a test overrides the calls it records or
 * alters (the programs run, when QEMU starts) and the rest behaves as the real host does,
 * its reaper and optional capabilities included.
 */
public class ForwardingHost implements Host {

    private final Host delegate;

    /** Forwards to {@code delegate}. */
    public ForwardingHost(Host delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The host calls go to. */
    protected Host delegate() {
        return delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Mono<CommandResult> exec(List<String> argv) {
        return delegate.exec(argv);
    }

    @Override
    public Mono<HostProcess> start(List<String> argv, String logFile) {
        return delegate.start(argv, logFile);
    }

    @Override
    public Reaper reaper() {
        return delegate.reaper();
    }

    @Override
    public PendingCleanups cleanups() {
        return delegate.cleanups();
    }

    @Override
    public Mono<InteractiveProcess> startInteractive(List<String> argv) {
        return delegate.startInteractive(argv);
    }

    @Override
    public Mono<Void> createPrivateFolder(String path) {
        return delegate.createPrivateFolder(path);
    }

    @Override
    public Mono<Void> deleteFolder(String path) {
        return delegate.deleteFolder(path);
    }

    @Override
    public Mono<Void> writeFile(String path, byte[] content, Set<PosixFilePermission> permissions) {
        return delegate.writeFile(path, content, permissions);
    }

    @Override
    public Mono<Boolean> isReadable(String path) {
        return delegate.isReadable(path);
    }

    @Override
    public Mono<String> copyFrom(Path local, String path) {
        return delegate.copyFrom(local, path);
    }

    @Override
    public Mono<byte[]> readFile(String path) {
        return delegate.readFile(path);
    }

    @Override
    public Mono<SocketAddress> reachUnixSocket(String path) {
        return delegate.reachUnixSocket(path);
    }

    @Override
    public Mono<Void> close() {
        return delegate.close();
    }
}
