package io.till.shared;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Moves instants in and out of {@code timestamptz} columns (the JDBC driver speaks OffsetDateTime, not Instant). */
public final class Timestamps {

    /** The first and the last moment Till takes and stores: the years 1 to 9999, what RFC 3339 can write. */
    public static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");

    public static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private Timestamps() {}

    /** Whether {@code instant} lies in the years 1 to 9999 (PostgreSQL refuses some moments beyond them). */
    public static boolean storable(Instant instant) {
        return !instant.isBefore(FIRST) && !instant.isAfter(LAST);
    }

    /**
     * The current time as PostgreSQL stores it (to the microsecond), so that what an API answer shows on creation is
     * exactly what a later read returns.
     */
    public static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    public static OffsetDateTime of(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    public static Instant read(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
