package io.till.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.shared.TestClockSync;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Checks of the sandbox test clock that tests starting background workers of their own make once they stop them. */
public final class TestClockChecks {

    private TestClockChecks() {}

    /**
     * An advance goes through: stopped workers hold up no advance of the test clock, which every other test of the
     * context shares (a round left carried over once made every later advance wait for good).
     */
    public static void advanceGoesThrough(TestClockSync testClock) throws Exception {
        var advance = CompletableFuture.supplyAsync(() -> testClock.whileWorkersWait(() -> 1),
            Executors.newVirtualThreadPerTaskExecutor());
        assertThat(advance.get(30, TimeUnit.SECONDS)).isEqualTo(1);
    }
}
