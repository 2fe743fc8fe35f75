package io.till.event;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Wakes whoever waits for new events (the automation engine's matcher, the webhook feed's) as soon as a transaction that
 * recorded some for them commits, so that reacting to an event does not wait for the next poll. Other nodes still find
 * the events by polling.
 */
@Component
public class EventSignal {

    /** A round that took fewer events than this waits {@link #GATHER} before the next one. */
    static final int FEW = 16;
    /** How long events that arrive one by one gather before a round takes them. */
    static final Duration GATHER = Duration.ofMillis(5);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition recorded = lock.newCondition();
    private long generation;
    private long webhookGeneration;

    /**
     * Which feeds a statement that recorded events left rows for: the automation engine's matcher (events of a type
     * some automation of the account reacts to) and the webhook feed (events an enabled endpoint is subscribed to).
     */
    public record Fed(boolean automations, boolean webhooks) {

        Fed and(Fed other) {
            return new Fed(automations || other.automations, webhooks || other.webhooks);
        }
    }

    /** What the events of the transaction in progress fed so far (one transaction, one thread). */
    private static final class Pending {
        private Fed fed;

        Pending(Fed fed) {
            this.fed = fed;
        }
    }

    /**
     * Fires after the current transaction commits, once per transaction however many events it records, for the feeds
     * that any of them left rows for; for none, it fires nothing: a shop's page views wake no one.
     */
    void afterCommit(Fed fed) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            fire(fed);
            return;
        }
        if (TransactionSynchronizationManager.getResource(this) instanceof Pending pending) {
            pending.fed = pending.fed.and(fed);
            return;
        }
        var pending = new Pending(fed);
        TransactionSynchronizationManager.bindResource(this, pending);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(EventSignal.this);
                if (status == STATUS_COMMITTED) {
                    fire(pending.fed);
                }
            }
        });
    }

    /** Wakes whoever waits on {@link #awaitAfter}. */
    public void fire() {
        fire(new Fed(true, false));
    }

    private void fire(Fed fed) {
        if (!fed.automations() && !fed.webhooks()) {
            return;
        }
        lock.lock();
        try {
            if (fed.automations()) {
                generation++;
            }
            if (fed.webhooks()) {
                webhookGeneration++;
            }
            recorded.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The number of commits so far that left rows for the webhook feed, to pass to {@link #awaitWebhookRowsAfter}: the
     * feed's matcher waits for these only, not for every event (most shops have no endpoint to send them to).
     */
    public long webhookGeneration() {
        lock.lock();
        try {
            return webhookGeneration;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until events newer than {@code seen} left rows for the webhook feed, or the timeout passes. */
    public void awaitWebhookRowsAfter(long seen, Duration timeout) throws InterruptedException {
        await(() -> webhookGeneration != seen, timeout);
    }

    /**
     * The number of signals so far (commits that left rows for the matcher, and {@link #fire()}s), to pass to
     * {@link #awaitAfter}.
     */
    public long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    /**
     * After a round that took {@code taken} events: when they were few, the inbox is drained and events arrive one by
     * one, so wait a moment for more to gather. A round per event or two (measured: 16,262 rounds for 26,028 events in
     * 20 s of single-event ingest) spends more on finding events than on matching them; the moment is the most an
     * event waits beyond its round, and the first event after a quiet spell does not wait at all.
     */
    public void gatherAfter(int taken) throws InterruptedException {
        if (taken > 0 && taken < FEW) {
            TimeUnit.NANOSECONDS.sleep(GATHER.toNanos());
        }
    }

    /** Waits until a signal newer than {@code seen} fires, or the timeout passes. */
    public void awaitAfter(long seen, Duration timeout) throws InterruptedException {
        await(() -> generation != seen, timeout);
    }

    /** Waits, under the lock, until {@code fired} holds or the timeout passes. */
    private void await(BooleanSupplier fired, Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (!fired.getAsBoolean() && nanos > 0) {
                nanos = recorded.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }
}
