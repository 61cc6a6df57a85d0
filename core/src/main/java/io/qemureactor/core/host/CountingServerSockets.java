package io.qemureactor.core.host;

import com.jcraft.jsch.ServerSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The listening sockets of an SSH host's port forwards, counting the connections they accept:
 * each is one connect through a forward, which is what tells a single connect per session from
 * blind retries.
 */
final class CountingServerSockets implements ServerSocketFactory {

    private final AtomicLong accepted = new AtomicLong();

    long accepted() {
        return accepted.get();
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddr) throws IOException {
        return new ServerSocket(port, backlog, bindAddr) {
            @Override
            public Socket accept() throws IOException {
                Socket socket = super.accept();
                accepted.incrementAndGet();
                return socket;
            }
        };
    }
}
