package io.qemureactor.core.host;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Streams a local file to an SSH host: an exec channel of its own runs {@code cat > PATH} (under
 * {@code umask 077}) and the file is written into the channel, its SHA-256 computed on the way. The host's
 * command shell is not used: it carries one line per request, base64-encoded, which suits a command's few
 * bytes, not a guest's 256 MiB of RAM. One channel per copy costs one run of the user's login shell, paid
 * once per file (a template is copied once per host).
 */
final class SshFileCopy {

    private static final int CONNECT_TIMEOUT_MS = 15_000;
    private static final int BUFFER = 1 << 16;

    private SshFileCopy() {
    }

    /** Completes with the SHA-256 (hex) of what was sent, once the remote {@code cat} has exited with 0. */
    static Mono<String> copy(SshHost host, Path local, String path) {
        String command = host.remoteCommand(List.of("sh", "-c", "umask 077 && exec cat > \"$1\"", "sh", path));
        return host.session().flatMap(session -> Mono.using(
                () -> open(session, command),
                opened -> Mono.fromCallable(() -> send(local, opened.stdin()))
                        .subscribeOn(Schedulers.boundedElastic())
                        .flatMap(sha -> opened.end().exitStatus(opened.channel()).flatMap(code -> code == 0 ? Mono.just(sha)
                                : Mono.error(new HostException("cannot copy " + local + " to " + path + " on " + host.name()
                                        + ": " + describe(opened.err(), code))))),
                // also on error and cancel: the remote cat sees the end of its input and exits
                opened -> opened.channel().disconnect()));
    }

    private record Opened(ChannelExec channel, ChannelEnd end, OutputStream stdin, TailBuffer err) {
    }

    private static Opened open(Session session, String command) throws JSchException, IOException {
        ChannelExec channel = (ChannelExec) session.openChannel("exec");
        channel.setCommand(command);
        TailBuffer err = new TailBuffer(4096);
        channel.setErrStream(err, true);
        ChannelEnd end = ChannelEnd.attach(channel, OutputStream.nullOutputStream());
        // taken before connect: JSch then feeds the channel from this stream's writes
        OutputStream stdin = channel.getOutputStream();
        channel.connect(CONNECT_TIMEOUT_MS);
        return new Opened(channel, end, stdin, err);
    }

    /** Blocking (JSch's streams are): runs on boundedElastic. Closing the stream is the remote cat's end of input. */
    private static String send(Path local, OutputStream out) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(local), sha); out) {
                byte[] buf = new byte[BUFFER];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send " + local + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(TailBuffer err, int code) {
        String last = OutputTail.lastLines(err.toString(), 1);
        return last.isEmpty() ? "exit status " + code : last;
    }
}
