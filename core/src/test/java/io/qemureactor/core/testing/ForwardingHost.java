package io.qemureactor.core.testing;

import io.qemureactor.core.host.CommandResult;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.HostProcess;
import io.qemureactor.core.host.Reaper;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * A {@link Host} that hands every call to another: tests extend it and override the one call they record or
 * break (fault injection), instead of writing out every method again.
 */
public class ForwardingHost implements Host {

    protected final Host host;

    public ForwardingHost(Host host) {
        this.host = host;
    }

    @Override
    public String name() {
        return host.name();
    }

    @Override
    public Mono<CommandResult> exec(List<String> argv) {
        return host.exec(argv);
    }

    @Override
    public Mono<HostProcess> start(List<String> argv, String logFile) {
        return host.start(argv, logFile);
    }

    @Override
    public Reaper reaper() {
        return host.reaper();
    }

    @Override
    public Mono<Void> createPrivateFolder(String path) {
        return host.createPrivateFolder(path);
    }

    @Override
    public Mono<Void> deleteFolder(String path) {
        return host.deleteFolder(path);
    }

    @Override
    public Mono<Void> writeFile(String path, byte[] content, Set<PosixFilePermission> permissions) {
        return host.writeFile(path, content, permissions);
    }

    @Override
    public Mono<Boolean> isReadable(String path) {
        return host.isReadable(path);
    }

    @Override
    public Mono<String> copyFrom(Path local, String path) {
        return host.copyFrom(local, path);
    }

    @Override
    public Mono<byte[]> readFile(String path) {
        return host.readFile(path);
    }

    @Override
    public Mono<SocketAddress> reachUnixSocket(String path) {
        return host.reachUnixSocket(path);
    }

    @Override
    public Mono<Void> close() {
        return host.close();
    }
}
