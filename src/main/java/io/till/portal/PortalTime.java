package io.till.portal;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Dates on portal pages, for templates as {@code @portalTime}: written in the store's time zone (pages read without
 * JavaScript, and a store's buyers mostly live near it), and rewritten by {@code portal.js} into the browser's time
 * zone, with the UTC instant kept on hover. Use the layout's fragment:
 * {@code <time th:replace="~{portal/layout :: time(${instant})}">}.
 */
@Component("portalTime")
class PortalTime {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MMM d, uuuu", Locale.US);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("MMM d, uuuu, HH:mm", Locale.US);
    private static final DateTimeFormatter ZONE_NAME = DateTimeFormatter.ofPattern("zzz", Locale.US);

    public String iso(Instant at) {
        return at == null ? null : DateTimeFormatter.ISO_INSTANT.format(at);
    }

    /** The day in the store's zone; UTC where there is none (a page of an unknown store). */
    public String date(Instant at, ZoneId zone) {
        return day(at, zone == null ? ZoneOffset.UTC : zone);
    }

    public String utc(Instant at) {
        return minute(at, ZoneOffset.UTC);
    }

    /** "Mar 3, 2026": for text the page cannot mark up (an option of a list), which portal.js leaves as it is. */
    static String day(Instant at, ZoneId zone) {
        return at == null ? null : DATE.format(at.atZone(zone));
    }

    /** "Mar 3, 2026, 14:05 UTC", "Mar 3, 2026, 09:05 EST". */
    static String minute(Instant at, ZoneId zone) {
        if (at == null) {
            return null;
        }
        var local = at.atZone(zone);
        return MINUTE.format(local) + " "
            + (zone.normalized().equals(ZoneOffset.UTC) ? "UTC" : ZONE_NAME.format(local));
    }
}
