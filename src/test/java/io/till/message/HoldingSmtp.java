package io.till.message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An SMTP server that answers nothing until released: it accepts connections and holds them, as a server that
 * answers slowly does; once released it joins every held and later connection to the real server at {@code target}.
 */
final class HoldingSmtp implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Socket> held = new ArrayList<>();
    private final List<Socket> open = new ArrayList<>();
    private int accepted;
    private boolean released;

    HoldingSmtp(int target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** How many connections Till has opened to it so far. */
    synchronized int connections() {
        return accepted;
    }

    /** Joins the held connections, and every later one, to the real server. */
    synchronized void release() {
        released = true;
        held.forEach(this::join);
        held.clear();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                synchronized (this) {
                    accepted++;
                    open.add(client);
                    if (released) {
                        join(client);
                    } else {
                        held.add(client);
                    }
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void join(Socket client) {
        try {
            Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
            synchronized (this) {
                open.add(server);
            }
            threads.submit(() -> pipe(client, server));
            threads.submit(() -> pipe(server, client));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pipe(Socket from, Socket to) {
        try (var in = from.getInputStream(); var out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException ended) {
            // One side closed: the other follows.
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // Closing is all that is left.
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (this) {
            for (Socket socket : open) {
                socket.close();
            }
        }
        threads.shutdownNow();
    }
}
