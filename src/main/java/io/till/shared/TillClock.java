package io.till.shared;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Till's clock: the real time plus an offset that only the sandbox test clock moves, so that "wait 3 days" or "renew
 * next month" can be tried in seconds. It only ever moves forward. Records and events read it; what an outside party
 * verifies reads {@link #realTime()} (injected as {@link RealTime}).
 */
public class TillClock extends Clock {

    private final Clock real;
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    public TillClock(Clock real) {
        this.real = real;
    }

    @Override
    public Instant instant() {
        return real.instant().plus(offset.get());
    }

    /**
     * The real time, without the sandbox offset: for what people and systems outside Till check against their own
     * clocks (signature timestamps, credential use, retention of idempotency keys).
     */
    public Clock realTime() {
        return real;
    }

    /** How far ahead of the real time this clock runs. */
    public Duration offset() {
        return offset.get();
    }

    /** Sets the offset, as read from the database; never backwards, so time seen by one node never runs back. */
    public void catchUp(Duration stored) {
        offset.accumulateAndGet(stored, (current, candidate) -> candidate.compareTo(current) > 0 ? candidate : current);
    }

    /** Moves the clock forward to {@code target}; returns the new offset. */
    public Duration moveTo(Instant target) {
        return offset.updateAndGet(current -> {
            Duration wanted = Duration.between(real.instant(), target);
            return wanted.compareTo(current) > 0 ? wanted : current;
        });
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.offset(real, offset.get()).withZone(zone);
    }
}
