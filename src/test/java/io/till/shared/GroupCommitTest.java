package io.till.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
    /** Every batch the writer was handed, in order, failed ones included. */
    private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    /** Holds the first batch in the writer until released, so that others gather behind it. */
    private final CountDownLatch firstBatchMayEnd = new CountDownLatch(1);

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    @Test
    void callersArrivingWhileABatchIsWrittenGoOutTogetherInTheNextOne() throws Exception {
        var commit = new GroupCommit<String>(1, 100, holdingFirst(batch -> {
        }), e -> false);
        var first = commitAsync(commit, "first");
        awaitBatches(1);
        var others = IntStream.range(0, 10).mapToObj(i -> commitAsync(commit, "item-" + i)).toList();
        awaitWaiting(commit, 10);
        assertThat(first).as("the first caller returns only once its batch is written").isNotDone();

        firstBatchMayEnd.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (var other : others) {
            other.get(10, TimeUnit.SECONDS);
        }

        assertThat(batches).hasSize(2);
        assertThat(batches.get(0)).containsExactly("first");
        assertThat(batches.get(1)).containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 10).mapToObj(i -> "item-" + i).toList());
    }

    @Test
    void aBatchHoldsAtMostMaxBatchItems() throws Exception {
        var commit = new GroupCommit<String>(1, 4, holdingFirst(batch -> {
        }), e -> false);
        var first = commitAsync(commit, "first");
        awaitBatches(1);
        var others = IntStream.range(0, 10).mapToObj(i -> commitAsync(commit, "item-" + i)).toList();
        awaitWaiting(commit, 10);

        firstBatchMayEnd.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (var other : others) {
            other.get(10, TimeUnit.SECONDS);
        }

        assertThat(batches).extracting(List::size).containsExactly(1, 4, 4, 2);
    }

    @Test
    void everyItemIsWrittenOnceAndNoMoreBatchesThanWritersRunAtATime() throws Exception {
        var writing = new AtomicInteger();
        var mostAtOnce = new AtomicInteger();
        var commit = new GroupCommit<String>(2, 256, batch -> {
            mostAtOnce.accumulateAndGet(writing.incrementAndGet(), Math::max);
            batches.add(batch);
            Thread.yield();
            writing.decrementAndGet();
        }, e -> false);

        var all = new ArrayList<Future<?>>();
        for (int caller = 0; caller < 50; caller++) {
            int c = caller;
            all.add(callers.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    commit.commit(c + "-" + i);
                }
            }));
        }
        for (var each : all) {
            each.get(60, TimeUnit.SECONDS);
        }

        var written = batches.stream().flatMap(List::stream).toList();
        assertThat(written).hasSize(5_000).doesNotHaveDuplicates();
        assertThat(mostAtOnce.get()).isBetween(1, 2);
        assertThat(commit.waiting()).isZero();
    }

    @Test
    void anItemThatBreaksTheBatchIsWrittenAloneAndFailsOnlyItsOwnCaller() throws Exception {
        Predicate<RuntimeException> oneItemsFault = IllegalArgumentException.class::isInstance;
        var commit = new GroupCommit<String>(1, 100, holdingFirst(batch -> {
            if (batch.contains("bad")) {
                throw new IllegalArgumentException("bad breaks a constraint");
            }
        }), oneItemsFault);
        var first = commitAsync(commit, "first");
        awaitBatches(1);
        var good = List.of(commitAsync(commit, "good-1"), commitAsync(commit, "good-2"));
        awaitWaiting(commit, 2);
        var bad = commitAsync(commit, "bad");
        awaitWaiting(commit, 3);

        firstBatchMayEnd.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (var each : good) {
            each.get(10, TimeUnit.SECONDS);
        }
        assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalArgumentException.class);

        assertThat(batches.get(1)).as("the shared batch, refused").hasSize(3);
        assertThat(batches.subList(2, batches.size())).as("then each alone")
            .containsExactlyInAnyOrder(List.of("good-1"), List.of("good-2"), List.of("bad"));
    }

    @Test
    void aFailureOfTheWholeBatchFailsEveryCallerInItWithoutRetrying() throws Exception {
        var commit = new GroupCommit<String>(1, 100, holdingFirst(batch -> {
            if (batch.size() > 1) {
                throw new IllegalStateException("the connection was lost");
            }
        }), IllegalArgumentException.class::isInstance);
        var first = commitAsync(commit, "first");
        awaitBatches(1);
        var others = List.of(commitAsync(commit, "a"), commitAsync(commit, "b"));
        awaitWaiting(commit, 2);

        firstBatchMayEnd.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (var other : others) {
            assertThatThrownBy(() -> other.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOf(IllegalStateException.class).hasMessage("the connection was lost");
        }
        assertThat(batches).hasSize(2);
    }

    @Test
    void anErrorInTheWriterLeavesNoCallerWaiting() throws Exception {
        var commit = new GroupCommit<String>(1, 100, holdingFirst(batch -> {
            if (batch.size() > 1) {
                throw new OutOfMemoryError("simulated");
            }
        }), e -> true);
        var first = commitAsync(commit, "first");
        awaitBatches(1);
        var others = List.of(commitAsync(commit, "a"), commitAsync(commit, "b"));
        awaitWaiting(commit, 2);

        firstBatchMayEnd.countDown();
        first.get(10, TimeUnit.SECONDS);
        var outcomes = new ArrayList<Throwable>();
        for (var other : others) {
            try {
                other.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                outcomes.add(e.getCause());
            }
        }
        // The caller whose turn it was gets the Error; the other learns its item was not written.
        assertThat(outcomes).hasSize(2).hasAtLeastOneElementOfType(OutOfMemoryError.class)
            .hasAtLeastOneElementOfType(IllegalStateException.class);
    }

    @Test
    void aCallerAloneWritesAtOnceOnItsOwnThread() {
        var threads = new ArrayList<Thread>();
        var commit = new GroupCommit<String>(1, 100, batch -> threads.add(Thread.currentThread()), e -> false);

        commit.commit("alone");

        assertThat(threads).containsExactly(Thread.currentThread());
    }

    /** A writer that records each batch and holds the first one until {@link #firstBatchMayEnd}. */
    private Consumer<List<String>> holdingFirst(Consumer<List<String>> then) {
        return batch -> {
            batches.add(List.copyOf(batch));
            if (batches.size() == 1) {
                try {
                    firstBatchMayEnd.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            then.accept(batch);
        };
    }

    /**
     * A caller whose item another writer took into its batch waits for that batch, asleep: were it to take the free
     * writer's turn over and over to find nothing left to write, it would keep a core busy for the whole batch, and,
     * on virtual threads (which are not preempted), two such callers could hold both carrier threads of a two-core
     * machine while the writer of their batch waits for one to finish: no event written again, ever (measured with
     * four writers in bench/ingest).
     */
    @Test
    void aCallerWhoseItemIsInAnotherWritersBatchSleepsUntilItIsWritten() throws Exception {
        var release = List.of(new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1));
        var commit = new GroupCommit<String>(2, 100, batch -> {
            int index = batches.size();
            batches.add(batch);
            if (index < release.size()) {
                awaitUninterruptibly(release.get(index));
            }
        }, e -> false);
        var x = platformCaller(commit, "x");
        awaitBatches(1);
        var y = platformCaller(commit, "y");
        awaitBatches(2);
        var a = platformCaller(commit, "a");
        awaitWaiting(commit, 1);
        var b = platformCaller(commit, "b");
        awaitWaiting(commit, 2);
        // x's writer ends and wakes a, who takes both a and b into the third batch; then y's writer ends too, and a
        // writer's turn is free while b's item is being written.
        release.get(0).countDown();
        awaitBatches(3);
        assertThat(batches.get(2)).containsExactly("a", "b");
        release.get(1).countDown();
        x.join();
        y.join();
        // b looks again (as it does every 50 ms, or when woken for no reason, which parking allows).
        java.util.concurrent.locks.LockSupport.unpark(b);

        // Sampled over a fifth of a second or more: a caller that spins is running in nearly every sample, one that
        // sleeps only in those taken while it waits for a core after the wake-up (a busy machine makes that a while).
        int running = 0;
        int samples = 400;
        for (int i = 0; i < samples; i++) {
            if (b.getState() == Thread.State.RUNNABLE) {
                running++;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(500_000);
        }
        release.get(2).countDown();
        a.join();
        b.join();

        assertThat(running).as("samples of %d in which b was running while its batch was written", samples)
            .isLessThan(samples / 2);
        assertThat(batches).hasSize(3);
    }

    private static Thread platformCaller(GroupCommit<String> commit, String item) {
        return Thread.ofPlatform().name("caller-" + item).start(() -> commit.commit(item));
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Future<?> commitAsync(GroupCommit<String> commit, String item) {
        return callers.submit(() -> commit.commit(item));
    }

    private void awaitBatches(int count) {
        awaitTrue(() -> batches.size() >= count, count + " batches handed to the writer");
    }

    private static void awaitWaiting(GroupCommit<String> commit, int count) {
        awaitTrue(() -> commit.waiting() == count, count + " items waiting");
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        Await.until("waiting for " + what, Duration.ofSeconds(10), Duration.ofNanos(100_000), condition);
    }
}
