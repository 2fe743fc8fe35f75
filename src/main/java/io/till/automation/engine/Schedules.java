package io.till.automation.engine;

import io.till.automation.Definition.Schedule;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import org.springframework.scheduling.support.CronExpression;

/** When a schedule fires next. */
public final class Schedules {

    private Schedules() {}

    /** The first time the schedule fires after {@code after}; {@code every} counts from its anchor. */
    public static Instant next(Schedule schedule, Instant anchor, Instant after) {
        return switch (schedule) {
            case Schedule.Every every -> {
                long interval = every.interval().toMillis();
                long elapsed = Duration.between(anchor, after).toMillis();
                long periods = elapsed < 0 ? 0 : elapsed / interval + 1;
                yield anchor.plusMillis(periods * interval);
            }
            case Schedule.Cron cron -> cron(cron, after);
            case Schedule.Calendar calendar -> calendar(calendar, after);
        };
    }

    /**
     * The expression is read on the wall clock of its zone, then placed in time as a calendar schedule's time is: a
     * time the clocks skip (02:30 the night they go forward) fires at the same moment past the gap, 03:30, rather than
     * not at all that day; a time they repeat (02:30 the night they go back) fires once, at the first.
     */
    private static Instant cron(Schedule.Cron cron, Instant after) {
        CronExpression expression = CronExpression.parse("0 " + cron.expression());
        LocalDateTime wall = after.atZone(cron.zone()).toLocalDateTime();
        for (int i = 0; i < 3; i++) {
            ZonedDateTime next = expression.next(wall.atZone(ZoneOffset.UTC));
            if (next == null) {
                throw new IllegalStateException("cron " + cron.expression() + " never fires");
            }
            wall = next.toLocalDateTime();
            Instant at = ZonedDateTime.ofLocal(wall, cron.zone(), null).toInstant();
            if (at.isAfter(after)) {
                return at;
            }
        }
        throw new IllegalStateException("cron " + cron.expression() + " fires nowhere after " + after);
    }

    private static Instant calendar(Schedule.Calendar calendar, Instant after) {
        LocalDate day = after.atZone(calendar.zone()).toLocalDate();
        for (int i = 0; i < 400; i++, day = day.plusDays(1)) {
            if (matches(calendar.day(), day)) {
                Instant at = day.atTime(calendar.at()).atZone(calendar.zone()).toInstant();
                if (at.isAfter(after)) {
                    return at;
                }
            }
        }
        throw new IllegalStateException("calendar " + calendar.day() + " never fires");
    }

    private static boolean matches(String rule, LocalDate day) {
        return switch (rule) {
            case "first_day_of_month" -> day.getDayOfMonth() == 1;
            case "last_day_of_month" -> day.equals(day.with(TemporalAdjusters.lastDayOfMonth()));
            default -> day.getDayOfWeek() == DayOfWeek.valueOf(rule.toUpperCase(Locale.ROOT));
        };
    }
}
