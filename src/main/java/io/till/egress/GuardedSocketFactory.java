package io.till.egress;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;

/**
 * Plain sockets whose {@code connect} resolves the host through the {@link EgressGuard} and connects to the first
 * checked address. Whatever address the caller resolved on its own (the mail library builds an
 * {@code InetSocketAddress} from the host name) is ignored: only the name is taken from it.
 * <p>
 * Each is one session with a server a seller named (an SMTP server), held to what an HTTP call is held to: it is closed
 * {@code deadline} after its first attempt to connect (the host resolved), whatever it is doing then (a read it cut
 * short fails as timed out), and it reads at most {@link #MOST_READ} bytes. A
 * server that answers a line at a time, each within the read timeout of the last (an SMTP reply of continuation lines
 * that never ends), held the thread that sent through it for as long as it liked, and filled memory with its reply.
 */
final class GuardedSocketFactory extends SocketFactory {

    /** The most a session reads: SMTP replies are lines, and a TLS handshake a few certificates. */
    static final long MOST_READ = 1024 * 1024;

    private final EgressGuard guard;
    private final Duration deadline;

    GuardedSocketFactory(EgressGuard guard, Duration deadline) {
        this.guard = guard;
        this.deadline = deadline;
    }

    @Override
    public Socket createSocket() {
        return new GuardedSocket(guard, deadline);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(InetSocketAddress.createUnresolved(host, port), null, 0);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(InetSocketAddress.createUnresolved(host, port), localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null, 0);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
        return connected(new InetSocketAddress(address, port), localAddress, localPort);
    }

    private Socket connected(InetSocketAddress target, InetAddress localAddress, int localPort) throws IOException {
        var socket = new GuardedSocket(guard, deadline);
        try {
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, localPort));
            }
            socket.connect(target);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static final class GuardedSocket extends Socket {

        private final EgressGuard guard;
        private final Duration deadline;
        private final AtomicLong read = new AtomicLong();
        private volatile ScheduledFuture<?> cutOff;
        private volatile boolean pastDeadline;

        GuardedSocket(EgressGuard guard, Duration deadline) {
            this.guard = guard;
            this.deadline = deadline;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (!(endpoint instanceof InetSocketAddress target)) {
                throw new IllegalArgumentException("only internet addresses can be reached");
            }
            InetAddress checked = guard.resolve(target.getHostString()).getFirst();
            // From the first attempt to connect: a connection slow to open counts toward the session's time too.
            cutOff = Deadlines.SCHEDULER.schedule(() -> {
                pastDeadline = true;
                cut();
            }, deadline.toNanos(), TimeUnit.NANOSECONDS);
            super.connect(new InetSocketAddress(checked, target.getPort()), timeout);
        }

        private void cut() {
            try {
                super.close();
            } catch (IOException alreadyGone) {
                // Closed: what it was for.
            }
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return new FilterInputStream(super.getInputStream()) {
                @Override
                public int read() throws IOException {
                    int b;
                    try {
                        b = super.read();
                    } catch (IOException e) {
                        throw timedOutIfCut(e);
                    }
                    if (b >= 0) {
                        counted(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n;
                    try {
                        n = super.read(buffer, offset, length);
                    } catch (IOException e) {
                        throw timedOutIfCut(e);
                    }
                    if (n > 0) {
                        counted(n);
                    }
                    return n;
                }
            };
        }

        /** A read the deadline cut short is told as what it is, a timeout, not as a connection closed under it. */
        private IOException timedOutIfCut(IOException failure) {
            if (!pastDeadline) {
                return failure;
            }
            var timedOut = new SocketTimeoutException("The session ran past its deadline of "
                + deadline.toSeconds() + " s; the connection was closed.");
            timedOut.initCause(failure);
            return timedOut;
        }

        private void counted(int bytes) throws IOException {
            if (read.addAndGet(bytes) > MOST_READ) {
                cut();
                throw new IOException("The server sent more than " + MOST_READ / 1024 + " KiB; the connection was "
                    + "closed.");
            }
        }

        @Override
        public synchronized void close() throws IOException {
            var scheduled = cutOff;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            super.close();
        }
    }
}
