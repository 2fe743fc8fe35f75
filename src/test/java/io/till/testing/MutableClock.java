package io.till.testing;

import io.till.shared.TillClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock tests move by hand, shared by every bean of the test application; the test clock API moves it too. Both its
 * parts stand still until a test moves them: {@link #advance} jumps the sandbox time ahead of the real time, as the
 * test clock API does, and {@link #passRealTime} lets real time pass (which the sandbox time follows).
 */
public final class MutableClock extends TillClock {

    public MutableClock(Instant start) {
        super(new Real(start));
    }

    public void advance(Duration duration) {
        moveTo(instant().plus(duration));
    }

    /** Lets {@code duration} of real time pass: both the real time and the sandbox time move on by it. */
    public void passRealTime(Duration duration) {
        ((Real) realTime()).now.updateAndGet(now -> now.plus(duration));
    }

    /** Brings the real time up to the machine's, for a check by a library that reads the machine's clock. */
    public void catchUpWithTheMachine() {
        ((Real) realTime()).now.accumulateAndGet(Instant.now(), (now, machine) -> machine.isAfter(now) ? machine : now);
    }

    @Override
    public Clock withZone(ZoneId zone) {
        var source = this;
        return new Clock() {
            @Override
            public Instant instant() {
                return source.instant();
            }

            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return source.withZone(other);
            }
        };
    }

    private static final class Real extends Clock {

        private final AtomicReference<Instant> now;

        Real(Instant start) {
            now = new AtomicReference<>(start);
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return Clock.fixed(now.get(), zone);
        }
    }
}
