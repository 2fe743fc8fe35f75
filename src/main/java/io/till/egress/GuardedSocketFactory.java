package io.till.egress;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.SocketFactory;

/**
 * Plain sockets whose {@code connect} resolves the host through the {@link EgressGuard} and connects to the first
 * checked address. Whatever address the caller resolved on its own (the mail library builds an
 * {@code InetSocketAddress} from the host name) is ignored: only the name is taken from it.
 */
final class GuardedSocketFactory extends SocketFactory {

    private final EgressGuard guard;

    GuardedSocketFactory(EgressGuard guard) {
        this.guard = guard;
    }

    @Override
    public Socket createSocket() {
        return new GuardedSocket(guard);
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
        var socket = new GuardedSocket(guard);
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

        GuardedSocket(EgressGuard guard) {
            this.guard = guard;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (!(endpoint instanceof InetSocketAddress target)) {
                throw new IllegalArgumentException("only internet addresses can be reached");
            }
            InetAddress checked = guard.resolve(target.getHostString()).getFirst();
            super.connect(new InetSocketAddress(checked, target.getPort()), timeout);
        }
    }
}
