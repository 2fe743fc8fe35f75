package io.till.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A dashboard form's one-time key: a double click does the work once; a refusal leaves the key for a retry. */
@TillIntegrationTest
class FormSubmissionsTest {

    @Autowired
    FormSubmissions submissions;
    @Autowired
    TestAccounts accounts;

    private static String key() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void theSameFormSentTwiceActsOnceAndAnswersTheFirstMessage() {
        String account = accounts.create().id();
        String key = key();
        var runs = new AtomicInteger();

        String first = submissions.once(account, key, "/admin/x/refund?pay_1&5.00", () -> "Refunded " + runs
            .incrementAndGet());
        String second = submissions.once(account, key, "/admin/x/refund?pay_1&5.00", () -> "Refunded " + runs
            .incrementAndGet());

        assertThat(runs).hasValue(1);
        assertThat(second).isEqualTo(first).isEqualTo("Refunded 1");
    }

    @Test
    void aDoubleClicksSecondSubmitWaitsForTheFirstAndAnswersItsMessage() throws Exception {
        String account = accounts.create().id();
        String key = key();
        var runs = new AtomicInteger();
        var started = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var first = threads.submit(() -> submissions.once(account, key, "/admin/x/orders?opt_1", () -> {
                started.countDown();
                awaitQuietly(release);
                return "Order " + runs.incrementAndGet() + " placed";
            }));
            assertThat(started.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            var waiter = new java.util.concurrent.atomic.AtomicReference<Thread>();
            var second = threads.submit(() -> {
                waiter.set(Thread.currentThread());
                return submissions.once(account, key, "/admin/x/orders?opt_1",
                    () -> "Order " + runs.incrementAndGet() + " placed");
            });
            // The second submit found the first in flight and is waiting for it (parked between two looks).
            long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < giveUp && (waiter.get() == null
                || waiter.get().getState() != Thread.State.TIMED_WAITING)) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            assertThat(waiter.get().getState()).isEqualTo(Thread.State.TIMED_WAITING);
            release.countDown();

            assertThat(second.get()).isEqualTo(first.get()).isEqualTo("Order 1 placed");
        }
        assertThat(runs).hasValue(1);
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aKeyUsedForAnotherRequestIsRefused() {
        String account = accounts.create().id();
        String key = key();
        submissions.once(account, key, "/admin/x/refund?pay_1&5.00", () -> "done");

        assertThatThrownBy(() -> submissions.once(account, key, "/admin/x/refund?pay_1&9.00", () -> "again"))
            .isInstanceOfSatisfying(TillException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED));
    }

    /**
     * The forms of one page share the key it was rendered with: after one of them was sent, another form of that page
     * (restored by the browser's Back with the key already used) is its own request, not "sent for something else";
     * the same form sent again is still answered once.
     */
    @Test
    void anotherFormOfThePageTheKeyCameWithIsItsOwnRequest() {
        String account = accounts.create().id();
        String key = key();
        var runs = new java.util.concurrent.atomic.AtomicInteger();
        submissions.once(account, key, "/admin/customers/cus_1/card-link", () -> "sent " + runs.incrementAndGet());

        String credit = submissions.once(account, key, "/admin/customers/cus_1/credits?5.00&usd&",
            () -> "credited " + runs.incrementAndGet());
        String creditAgain = submissions.once(account, key, "/admin/customers/cus_1/credits?5.00&usd&",
            () -> "credited " + runs.incrementAndGet());

        assertThat(credit).isEqualTo("credited 2");
        assertThat(creditAgain).isEqualTo("credited 2");
        assertThat(submissions.once(account, key, "/admin/customers/cus_1/card-link", () -> "sent again"))
            .isEqualTo("sent 1");
        assertThatThrownBy(() -> submissions.once(account, key, "/admin/customers/cus_1/credits?9.00&usd&",
            () -> "more")).isInstanceOfSatisfying(TillException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED));
    }

    @Test
    void aRefusedSubmissionCanBeSentAgainOnceTheCauseIsGone() {
        String account = accounts.create().id();
        String key = key();

        assertThatThrownBy(() -> submissions.once(account, key, "/admin/x/pause", () -> {
            throw new TillException(ErrorCode.INVALID_STATE, "Cannot pause a subscription that is canceled.");
        })).hasMessageContaining("canceled");
        String retried = submissions.once(account, key, "/admin/x/pause", () -> "Paused.");

        assertThat(retried).isEqualTo("Paused.");
    }

    @Test
    void aFormWithoutAValidKeyIsRefusedBeforeDoingAnything() {
        String account = accounts.create().id();
        var runs = new AtomicInteger();

        assertThatThrownBy(() -> submissions.once(account, "bad key", "/admin/x/pause", () -> "x" + runs
            .incrementAndGet())).isInstanceOf(TillException.class);
        assertThat(runs).hasValue(0);
    }
}
