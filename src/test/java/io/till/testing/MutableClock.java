package io.till.testing;

import io.till.shared.TillClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand, shared by every bean of the test application; the test clock API moves it too. */
public final class MutableClock extends TillClock {

    public MutableClock(Instant start) {
        super(Clock.fixed(start, ZoneOffset.UTC));
    }

    public void advance(Duration duration) {
        moveTo(instant().plus(duration));
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
}
