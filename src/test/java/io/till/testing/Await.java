package io.till.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Bounded polling for a condition that another thread, process or server brings about: parks between looks (never
 * spins, which on a two-core machine would hold up the very work awaited) and fails, naming what it waited for, rather
 * than hanging.
 */
public final class Await {

    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static final Duration EVERY = Duration.ofMillis(10);

    private Await() {}

    /** Looks every 10 ms for up to 10 s. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, WITHIN, EVERY, condition);
    }

    public static void until(String what, Duration within, Duration every, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("%s, within %s", what, within).isLessThan(deadline);
            LockSupport.parkNanos(every.toNanos());
        }
    }
}
