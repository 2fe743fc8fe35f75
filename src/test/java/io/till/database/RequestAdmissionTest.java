package io.till.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The turn-taking in front of the requests' pool. Hikari lets a newcomer take a connection that was just returned
 * ahead of the requests already waiting for one, so under load some requests waited out the whole connection timeout
 * while others went through in milliseconds; here the longest-waiting request goes first.
 */
class RequestAdmissionTest {

    @Test
    void requestsWaitingForASlotAreAdmittedInTheOrderTheyCame() throws Exception {
        var admission = new RequestAdmission(1, Duration.ofSeconds(60));
        List<String> admitted = new CopyOnWriteArrayList<>();
        assertThat(admission.enter()).isTrue();

        Thread first = waitForTurn(admission, "first", admitted);
        awaitUntil(() -> admission.waiting() == 1);
        Thread second = waitForTurn(admission, "second", admitted);
        awaitUntil(() -> admission.waiting() == 2);
        // A newcomer that finds the slot taken waits behind both instead of taking the next free one.
        Thread newcomer = waitForTurn(admission, "newcomer", admitted);
        awaitUntil(() -> admission.waiting() == 3);

        admission.leave(Duration.ofMillis(5));
        awaitUntil(() -> admitted.size() == 1);
        assertThat(admission.waiting()).isEqualTo(2);
        admission.leave(Duration.ofMillis(5));
        awaitUntil(() -> admitted.size() == 2);
        admission.leave(Duration.ofMillis(5));
        for (Thread thread : List.of(first, second, newcomer)) {
            assertThat(thread.join(Duration.ofSeconds(10))).isTrue();
        }

        assertThat(admitted).containsExactly("first", "second", "newcomer");
    }

    @Test
    void aRequestThatFindsNoSlotInTimeIsRefusedAndHoldsNone() throws Exception {
        var admission = new RequestAdmission(2, Duration.ZERO);
        assertThat(admission.enter()).isTrue();
        assertThat(admission.enter()).isTrue();

        assertThat(admission.enter()).isFalse();

        assertThat(admission.inUse()).isEqualTo(2);
        admission.leave(Duration.ofMillis(5));
        assertThat(admission.enter()).isTrue();
    }

    @Test
    void aRequestIsRefusedAtOnceWhenThoseAheadWillUseUpItsWait() throws Exception {
        // One slot, held 30 s per request lately, and a 60 s wait: two requests in the queue use up the wait.
        var admission = new RequestAdmission(1, Duration.ofSeconds(60));
        assertThat(admission.enter()).isTrue();
        admission.leave(Duration.ofSeconds(30));
        assertThat(admission.enter()).isTrue();
        List<String> admitted = new CopyOnWriteArrayList<>();
        waitForTurn(admission, "first", admitted);
        awaitUntil(() -> admission.waiting() == 1);
        waitForTurn(admission, "second", admitted);
        awaitUntil(() -> admission.waiting() == 2);

        // Were it to wait, this test would hang for the 60 s.
        assertThat(admission.enter()).isFalse();

        assertThat(admission.waiting()).isEqualTo(2);
        admission.leave(Duration.ofSeconds(30));
        awaitUntil(() -> admitted.size() == 1);
        admission.leave(Duration.ofSeconds(30));
        awaitUntil(() -> admitted.size() == 2);
        assertThat(admitted).containsExactly("first", "second");
    }

    private static Thread waitForTurn(RequestAdmission admission, String name, List<String> admitted) {
        return Thread.ofVirtual().start(() -> {
            try {
                if (admission.enter()) {
                    admitted.add(name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Bounded polling: a condition another thread brings about, failing after 10 s rather than hanging. */
    static void awaitUntil(BooleanSupplier condition) {
        Await.until("condition reached", condition);
    }
}
