package io.till.shared;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Await;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Rounds of the background workers and advances of the sandbox test clock exclude each other, carried-over rounds
 * included: a worker's claim handed to another thread to run keeps an advance waiting until its steps are written.
 * (A claim put back while an advance ran came due at a time the advance had passed, and ran late.)
 */
class TestClockSyncTest {

    private final TestClockSync sync = new TestClockSync(null, null);

    @Test
    void anAdvanceWaitsForARoundCarriedOverToAnotherThread() throws Exception {
        var carried = new TestClockSync.Carried[1];
        assertThat(sync.round(() -> {
            carried[0] = sync.carryOver();
            return 1;
        })).isEqualTo(1);
        var advanced = new CountDownLatch(1);
        var advancing = Thread.ofVirtual().start(() -> sync.whileWorkersWait(() -> {
            advanced.countDown();
            return null;
        }));

        Await.until("new rounds kept out by the waiting advance", () -> sync.round(() -> 1) == 0);
        assertThat(advanced.getCount()).as("the advance waits for the carried round").isEqualTo(1);

        carried[0].end();
        carried[0].end();
        assertThat(advanced.await(10, TimeUnit.SECONDS)).isTrue();
        advancing.join();
        assertThat(sync.round(() -> 1)).as("rounds run again once the advance is over").isEqualTo(1);
    }

    @Test
    void theAdvancingThreadAndARoundWithinARoundRunWhileAnAdvanceWaits() throws Exception {
        assertThat(sync.whileWorkersWait(() -> sync.round(() -> 7))).isEqualTo(7);

        var inner = new int[1];
        var waiting = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var round = Thread.ofVirtual().start(() -> sync.round(() -> {
            waiting.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inner[0] = sync.round(() -> 3);
            return 1;
        }));
        waiting.await();
        var advancing = Thread.ofVirtual().start(() -> sync.whileWorkersWait(() -> null));
        Await.until("the advance waiting", () -> sync.round(() -> 1) == 0);
        release.countDown();
        round.join();
        advancing.join();

        assertThat(inner[0]).isEqualTo(3);
    }

    @Test
    void carryingOverOutsideARoundIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(sync::carryOver)
            .isInstanceOf(IllegalStateException.class);
    }
}
