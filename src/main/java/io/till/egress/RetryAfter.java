package io.till.egress;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The {@code Retry-After} header of RFC 9110: delay seconds or an HTTP date. */
public final class RetryAfter {

    private RetryAfter() {}

    /** How long the peer asked to wait from {@code now}; null when the header is absent or unreadable. */
    public static Duration parse(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        Duration asked;
        if (value.matches("[0-9]{1,9}")) {
            asked = Duration.ofSeconds(Long.parseLong(value));
        } else {
            try {
                asked = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return asked.isNegative() ? Duration.ZERO : asked;
    }
}
