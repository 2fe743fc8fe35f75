package io.till.billing;

import java.time.Instant;
import java.time.ZoneOffset;

/** Billing periods are computed in UTC calendar terms: a month after January 31 is the end of February. */
final class Periods {

    private Periods() {}

    static Instant after(Instant start, String interval, int count) {
        var at = start.atZone(ZoneOffset.UTC);
        return switch (interval) {
            case "day" -> at.plusDays(count).toInstant();
            case "week" -> at.plusWeeks(count).toInstant();
            case "month" -> at.plusMonths(count).toInstant();
            case "year" -> at.plusYears(count).toInstant();
            default -> throw new IllegalArgumentException("unknown interval " + interval);
        };
    }
}
