package io.till.shared;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Writes items that concurrent callers hand in one at a time in shared batches, and returns to each caller only once
 * its own item is written. No thread of its own: a caller finding a free writer's turn writes everything waiting (its
 * own item and its neighbours'), the others wait for it; so a batch is as large as the load makes it, and a lone caller
 * writes at once, without a gathering delay. At most {@code writers} batches are written at a time.
 *
 * <p>A batch that fails fails every item in it, with the same exception; when {@code retryAlone} says the failure may
 * be one item's (a constraint that one row breaks), each item is written again on its own, so that only the item at
 * fault fails.
 *
 * @param <T> what is written
 */
public final class GroupCommit<T> {

    /** How long a waiting caller sleeps before it looks again for a writer's turn, should no one have woken it. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Semaphore turns;
    private final int maxBatch;
    private final Consumer<List<T>> write;
    private final Predicate<RuntimeException> retryAlone;
    private final ConcurrentLinkedQueue<Waiting<T>> queue = new ConcurrentLinkedQueue<>();

    public GroupCommit(int writers, int maxBatch, Consumer<List<T>> write, Predicate<RuntimeException> retryAlone) {
        if (writers < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("writers and maxBatch must be at least 1");
        }
        this.turns = new Semaphore(writers);
        this.maxBatch = maxBatch;
        this.write = Objects.requireNonNull(write);
        this.retryAlone = Objects.requireNonNull(retryAlone);
    }

    /** Returns once {@code item} is written, perhaps beside others; throws what writing it threw. */
    public void commit(T item) {
        var mine = new Waiting<>(item, Thread.currentThread());
        queue.add(mine);
        boolean interrupted = false;
        while (!mine.done) {
            // Once another writer has taken the item into its batch, a free turn has nothing for this caller to do:
            // it sleeps until that batch ends (taking turns to find nothing would keep a core busy meanwhile, and on
            // virtual threads, which are not preempted, could hold every carrier from the writer it waits for).
            if (!mine.taken && turns.tryAcquire()) {
                try {
                    writeWaiting();
                } finally {
                    turns.release();
                }
                // Whatever arrived while this batch was written waits for a turn: hand it to the longest waiting.
                wakeFirst();
            } else {
                LockSupport.parkNanos(this, RECHECK_NANOS);
                // The item is in a batch or about to be: waiting on is the only way to know how it ended.
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
    }

    /** Items handed in and not written yet. */
    public int waiting() {
        return queue.size();
    }

    private void writeWaiting() {
        var batch = new ArrayList<Waiting<T>>();
        for (Waiting<T> next; batch.size() < maxBatch && (next = queue.poll()) != null;) {
            next.taken = true;
            batch.add(next);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            write.accept(batch.stream().map(Waiting::item).toList());
            batch.forEach(w -> w.finish(null));
        } catch (RuntimeException e) {
            if (batch.size() == 1 || !retryAlone.test(e)) {
                batch.forEach(w -> w.finish(e));
            } else {
                batch.forEach(this::writeAlone);
            }
        } finally {
            // An Error thrown by the writer: no caller may wait for ever on an item that will not be written.
            for (Waiting<T> w : batch) {
                if (!w.done) {
                    w.finish(new IllegalStateException("the batch holding this item failed to write"));
                }
            }
        }
    }

    private void writeAlone(Waiting<T> w) {
        try {
            write.accept(List.of(w.item));
            w.finish(null);
        } catch (RuntimeException e) {
            w.finish(e);
        }
    }

    private void wakeFirst() {
        Waiting<T> first = queue.peek();
        if (first != null) {
            LockSupport.unpark(first.thread);
        }
    }

    private static final class Waiting<T> {
        private final T item;
        private final Thread thread;
        private RuntimeException failure;
        /** In a batch being written: its caller has only to wait for it. */
        private volatile boolean taken;
        private volatile boolean done;

        Waiting(T item, Thread thread) {
            this.item = item;
            this.thread = thread;
        }

        T item() {
            return item;
        }

        /** Publishes the outcome: {@code failure} is written before the volatile {@code done} the waiter reads. */
        void finish(RuntimeException failure) {
            this.failure = failure;
            this.done = true;
            LockSupport.unpark(thread);
        }
    }
}
