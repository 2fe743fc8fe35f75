package io.till.account;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How the dashboard names a moment and a zone in the store's time zone ({@link Branding#zone()}), where it writes
 * what it counts by day: the test clock, the reports, the date filters.
 */
public final class StoreTime {

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("MMM d, yyyy · HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter SHORT_NAME = DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH);

    private StoreTime() {}

    /** "Nov 30, 2026 · 00:30 UTC", "Nov 29, 2026 · 19:30 EST": the zone's short name at that moment. */
    public static String minute(Instant at, ZoneId zone) {
        var local = at.atZone(zone);
        return MINUTE.format(local) + " " + (isUtc(zone) ? "UTC" : SHORT_NAME.format(local));
    }

    /** "UTC", "America/New York": the zone as the settings name it, for a label ("Day (America/New York)"). */
    public static String label(ZoneId zone) {
        return isUtc(zone) ? "UTC" : zone.getId().replace('_', ' ');
    }

    private static boolean isUtc(ZoneId zone) {
        return zone.normalized().equals(ZoneOffset.UTC);
    }
}
