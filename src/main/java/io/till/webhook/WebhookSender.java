package io.till.webhook;

import io.till.shared.TestClockSync;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One background sender loop: keeps up to {@code room} attempts on the wire, each on a virtual thread, and claims more
 * as soon as there is room, so that a receiver that hangs until its timeout holds up its own deliveries only, never a
 * batch of others' (rounds that waited for their slowest receiver held back every account's webhooks for as long).
 * Each answer is written back within moments of coming in ({@link WebhookDispatcher#FLUSH_EVERY}). A delivery whose
 * host already has all its calls open ({@link HostCalls}) is not sent: it waits a few seconds, unattempted.
 *
 * <p>Each attempt carries the round of the sandbox test clock it was claimed in over until its outcome is written
 * ({@link TestClockSync#carryOver}): an advance waits for it, so that its next attempt is due at its own time.
 */
final class WebhookSender {

    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

    /** What the loop hears: an attempt ended ({@code outcome} null when it failed unexpectedly), or new work. */
    private sealed interface Heard {}

    private record Ended(String host, WebhookDeliveries.Outcome outcome, TestClockSync.Carried round)
        implements
            Heard {}

    private record Woken() implements Heard {}

    private final WebhookDispatcher dispatcher;
    private final TestClockSync testClock;
    private final HostCalls hosts;
    private final int room;
    private final Duration pollInterval;
    private final LinkedBlockingQueue<Heard> heard = new LinkedBlockingQueue<>();
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final ExecutorService sending = Executors.newVirtualThreadPerTaskExecutor();
    /** Attempts on the wire; the loop's thread alone reads and writes it. */
    private int onTheWire;
    /**
     * The rounds the attempts on the wire carry, ended as their outcomes are written (or when the node stops, by
     * {@link #abandon}: a round left carried would hold up every advance of the clock for good).
     */
    private final java.util.Set<TestClockSync.Carried> carried = java.util.concurrent.ConcurrentHashMap.newKeySet();

    WebhookSender(WebhookDispatcher dispatcher, TestClockSync testClock, HostCalls hosts, int room,
        Duration pollInterval) {
        this.dispatcher = dispatcher;
        this.testClock = testClock;
        this.hosts = hosts;
        this.room = room;
        this.pollInterval = pollInterval;
    }

    /** New deliveries are due: the loop claims them now rather than at its next poll. */
    void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            heard.add(new Woken());
        }
    }

    /**
     * One turn: claims what there is room for, then writes back the answers that come within moments, waiting for the
     * first up to the poll interval (or until woken) unless more is due. A stop (an interrupt) cuts the attempts on the
     * wire short and writes back everything they ended with.
     */
    void turn() throws InterruptedException {
        try {
            int free = room - onTheWire;
            boolean moreDue = false;
            if (free > 0) {
                moreDue = testClock.round(() -> start(free)) == free;
            }
            var ended = new ArrayList<Ended>();
            Heard first = moreDue && onTheWire < room
                ? heard.poll()
                : heard.poll(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
            if (first != null) {
                take(first, ended);
                gather(ended);
            }
            writeBack(ended);
        } catch (InterruptedException stopping) {
            stop();
            throw stopping;
        } catch (RuntimeException | Error failed) {
            // Interrupted where the interrupt becomes another failure (a connection not given to an interrupted
            // thread): the node is stopping all the same.
            if (Thread.currentThread().isInterrupted()) {
                stop();
            }
            throw failed;
        }
    }

    /**
     * After the loop has stopped: ends whatever rounds attempts still carry (an attempt that never reported back, a
     * loop that ended on a failure), so that no advance of the test clock waits for them.
     */
    void abandon() {
        carried.forEach(TestClockSync.Carried::end);
        carried.clear();
    }

    /** Claims up to {@code free} deliveries and sends those whose host has a call free; returns how many it claimed. */
    private int start(int free) {
        var claim = dispatcher.claim(free);
        var notNow = new ArrayList<WebhookDeliveries.Outcome>();
        for (var delivery : claim.toSend()) {
            String host = HostCalls.of(delivery.url());
            if (!hosts.take(host)) {
                notNow.add(dispatcher.notSent(delivery));
                continue;
            }
            var round = testClock.carryOver();
            carried.add(round);
            onTheWire++;
            try {
                sending.submit(() -> {
                    WebhookDeliveries.Outcome outcome = null;
                    try {
                        outcome = dispatcher.attempt(delivery);
                        if (sending.isShutdown()) {
                            outcome = dispatcher.cutShort(outcome);
                        }
                    } catch (RuntimeException | Error e) {
                        // Left claimed: it comes due again when the lease ends.
                        log.warn("A webhook attempt failed unexpectedly", e);
                    } finally {
                        heard.add(new Ended(host, outcome, round));
                    }
                });
            } catch (RuntimeException notStarted) {
                // The node is stopping: never sent, it comes due again when its lease ends.
                carried.remove(round);
                round.end();
                onTheWire--;
                hosts.give(host);
                throw notStarted;
            }
        }
        if (!notNow.isEmpty()) {
            dispatcher.writeBack(notNow);
        }
        return claim.count();
    }

    /** Adds the answers of the next few milliseconds: one write for a burst, not one per answer. */
    private void gather(List<Ended> ended) throws InterruptedException {
        long deadline = System.nanoTime() + WebhookDispatcher.FLUSH_EVERY.toNanos();
        for (long left = WebhookDispatcher.FLUSH_EVERY.toNanos(); ended.size() < onTheWire
            && left > 0; left = deadline - System.nanoTime()) {
            var next = heard.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            take(next, ended);
        }
    }

    /** Notes {@code next} and whatever else has been heard since. */
    private void take(Heard next, List<Ended> ended) {
        var heardNow = new ArrayList<Heard>(List.of(next));
        heard.drainTo(heardNow);
        for (var one : heardNow) {
            switch (one) {
                case Ended e -> ended.add(e);
                case Woken w -> wakeQueued.set(false);
            }
        }
    }

    private void writeBack(List<Ended> ended) {
        if (ended.isEmpty()) {
            return;
        }
        var outcomes = new ArrayList<WebhookDeliveries.Outcome>(ended.size());
        for (var e : ended) {
            if (e.outcome() != null) {
                outcomes.add(e.outcome());
            }
        }
        try {
            if (!outcomes.isEmpty()) {
                dispatcher.writeBack(outcomes);
            }
        } finally {
            // Given back once written: a call's host and room are free again only when its answer is kept.
            for (var e : ended) {
                hosts.give(e.host());
                onTheWire--;
                e.round().end();
                carried.remove(e.round());
            }
        }
    }

    /**
     * The node is stopping: the attempts still on the wire are interrupted (each ends as an attempt that got no
     * answer) and everything they ended with is written back.
     */
    private void stop() {
        sending.shutdownNow();
        try {
            sending.awaitTermination(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        var ended = new ArrayList<Ended>();
        var first = heard.poll();
        if (first != null) {
            take(first, ended);
        }
        try {
            writeBack(ended);
        } finally {
            // An attempt that has not ended by now (it would have been interrupted) holds up no advance of the clock.
            carried.forEach(TestClockSync.Carried::end);
            carried.clear();
        }
    }
}
