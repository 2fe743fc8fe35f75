package io.till.shared;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A list's time filter as the API takes it: {@code created_from} (inclusive) and {@code created_to} (exclusive), each
 * an RFC 3339 moment ({@code 2026-11-30T09:00:00Z}) or a day ({@code 2026-11-30}, its start in UTC for the API, in
 * the store's time zone for a dashboard page); either may be absent.
 */
public record TimeRange(Instant from, Instant to) {

    /** The API's window: a day starts at midnight UTC. */
    public static TimeRange of(String from, String to, FieldErrors errors) {
        return of(from, to, ZoneOffset.UTC, errors);
    }

    /** A window whose days start at midnight in {@code zone}; moments carry their own offset. */
    public static TimeRange of(String from, String to, ZoneId zone, FieldErrors errors) {
        Instant start = moment(from, "created_from", zone, errors);
        Instant end = moment(to, "created_to", zone, errors);
        if (start != null && end != null && !end.isAfter(start)) {
            errors.add("created_to", "out_of_range", "must be after created_from");
        }
        return new TimeRange(start, end);
    }

    private static Instant moment(String text, String field, ZoneId zone, FieldErrors errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.strip();
        try {
            Instant moment = value.length() == 10
                ? LocalDate.parse(value).atStartOfDay(zone).toInstant()
                : OffsetDateTime.parse(value).toInstant();
            if (!Timestamps.storable(moment)) {
                errors.add(field, "out_of_range", "must be between the years 1 and 9999");
                return null;
            }
            return moment;
        } catch (DateTimeParseException e) {
            errors.add(field, "invalid_format", "must be a moment such as 2026-11-30T09:00:00Z or a day such as "
                + "2026-11-30");
            return null;
        }
    }
}
