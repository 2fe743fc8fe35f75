package io.till.egress;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Counts the connections this node has open to each host for the clients that keep no pool of their own (SMTP): at
 * most {@link EgressClient#MAX_CALLS_PER_HOST} at once, as the HTTP client's pool does for HTTP, so that a server that
 * answers slowly holds no more of Till than that many of its own sends.
 */
@Component
public class HostSlots {

    private final ConcurrentHashMap<String, Semaphore> hosts = new ConcurrentHashMap<>();

    /**
     * A slot for {@code host} and {@code port}, to close once the connection is; waits {@link EgressClient#HOST_WAIT}
     * at most for one to be free.
     *
     * @throws Busy when every slot of the host stayed taken, or the thread was interrupted while waiting
     */
    public Slot take(String host, int port) throws Busy {
        var slots = hosts.computeIfAbsent(host.toLowerCase(Locale.ROOT) + ":" + port,
            key -> new Semaphore(EgressClient.MAX_CALLS_PER_HOST));
        try {
            if (slots.tryAcquire(EgressClient.HOST_WAIT.toMilliseconds(), TimeUnit.MILLISECONDS)) {
                return new Slot(slots);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new Busy();
    }

    /** One connection's room; closing it gives the room back. */
    public static final class Slot implements AutoCloseable {

        private final Semaphore slots;
        private boolean closed;

        private Slot(Semaphore slots) {
            this.slots = slots;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                slots.release();
            }
        }
    }

    /** Every slot of the host was taken: nothing was sent ({@link ConnectionFailure#BUSY}). */
    public static final class Busy extends IOException {

        Busy() {
            super(ConnectionFailure.BUSY.sentence());
        }
    }
}
