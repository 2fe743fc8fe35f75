package io.till.billing;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Billing periods are computed in UTC calendar terms: a month after January 31 is the end of February, and a month
 * after that, for periods that began on the 31st, March 31.
 */
final class Periods {

    private Periods() {}

    /**
     * As {@link #after(Instant, String, int)}, keeping the day of the month of {@code anchor} (when the periods
     * began) wherever the month has it: a monthly period begun January 31 ends February 28, then March 31, April 30,
     * May 31, instead of drifting to the 28th for good. Only a start cut short at the end of its month moves back up.
     */
    static Instant after(Instant start, String interval, int count, Instant anchor) {
        Instant next = after(start, interval, count);
        if (anchor == null || !(interval.equals("month") || interval.equals("year"))) {
            return next;
        }
        var from = start.atZone(ZoneOffset.UTC);
        var at = next.atZone(ZoneOffset.UTC);
        int wanted = anchor.atZone(ZoneOffset.UTC).getDayOfMonth();
        boolean cutShort = from.getDayOfMonth() == from.toLocalDate().lengthOfMonth() && wanted > from.getDayOfMonth();
        return cutShort
            ? at.withDayOfMonth(Math.min(wanted, at.toLocalDate().lengthOfMonth())).toInstant()
            : next;
    }

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
