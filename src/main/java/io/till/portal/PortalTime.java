package io.till.portal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Dates on portal pages, for templates as {@code @portalTime}: written in UTC (pages read without JavaScript), and
 * rewritten by {@code portal.js} into the browser's time zone, with the UTC instant kept on hover. Use the layout's
 * fragment: {@code <time th:replace="~{portal/layout :: time(${instant})}">}.
 */
@Component("portalTime")
class PortalTime {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MMM d, uuuu", Locale.US)
        .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("MMM d, uuuu, HH:mm 'UTC'", Locale.US)
        .withZone(ZoneOffset.UTC);

    public String iso(Instant at) {
        return at == null ? null : DateTimeFormatter.ISO_INSTANT.format(at);
    }

    public String date(Instant at) {
        return day(at);
    }

    public String utc(Instant at) {
        return minute(at);
    }

    /** "Mar 3, 2026", for text the page cannot mark up (an option of a list): in UTC, not rewritten by portal.js. */
    static String day(Instant at) {
        return at == null ? null : DATE.format(at);
    }

    /** "Mar 3, 2026, 14:05 UTC". */
    static String minute(Instant at) {
        return at == null ? null : UTC.format(at);
    }
}
