package io.till.automation.engine;

import io.till.automation.Definition.Schedule;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Locale;
import org.springframework.scheduling.support.CronExpression;

/** When a schedule fires next. */
public final class Schedules {

    private Schedules() {}

    /** The first time the schedule fires after {@code after}; {@code every} counts from its anchor. */
    public static Instant next(Schedule schedule, Instant anchor, Instant after) {
        return switch (schedule) {
            case Schedule.Every every -> every(every, anchor, after);
            case Schedule.Cron cron -> cron(cron, after);
            case Schedule.Calendar calendar -> calendar(calendar, after);
        };
    }

    /**
     * Whole days are days of the schedule's zone, as a calendar counts them: "every day" from 09:00 in Berlin stays at
     * 09:00 when the clocks go forward (the day is 23 hours long then), where 24 hours would make it 10:00 all summer.
     * A time of day the clocks skip that day comes an hour later, as a calendar schedule's does. Anything shorter than a
     * day is counted in elapsed time: every six hours is every six hours, whatever the clocks say.
     */
    private static Instant every(Schedule.Every every, Instant anchor, Instant after) {
        Duration interval = every.interval();
        long elapsed = Duration.between(anchor, after).toMillis();
        if (interval.toMillis() % Duration.ofDays(1).toMillis() != 0 || every.zone() == null
            || every.zone().getRules().isFixedOffset()) {
            long periods = elapsed < 0 ? 0 : elapsed / interval.toMillis() + 1;
            return anchor.plusMillis(periods * interval.toMillis());
        }
        if (elapsed < 0) {
            return anchor;
        }
        long days = interval.toDays();
        ZonedDateTime start = anchor.atZone(every.zone());
        // Within an hour of the elapsed count: a zone's days are 23 to 25 hours long, so step from one period before.
        long periods = Math.max(0, elapsed / interval.toMillis() - 1);
        Instant next = start.plusDays(periods * days).toInstant();
        while (!next.isAfter(after)) {
            periods++;
            next = start.plusDays(periods * days).toInstant();
        }
        return next;
    }

    /**
     * The expression is read on the wall clock of its zone, then placed in time as a calendar schedule's time is: a
     * time the clocks skip (02:30 the night they go forward) fires at the same moment past the gap, 03:30, rather than
     * not at all that day; a time they repeat (02:30 the night they go back) fires once, at the first.
     */
    private static Instant cron(Schedule.Cron cron, Instant after) {
        String[] fields = cron.expression().strip().split("\\s+");
        if (fields.length == 5 && restricted(fields[2]) && restricted(fields[4])) {
            // As cron reads it: a day of the month and a day of the week, both given, fire on either ("0 9 1 * MON",
            // the 1st and every Monday); Spring's expressions would fire only on a 1st that is a Monday.
            String byDay = String.join(" ", fields[0], fields[1], fields[2], fields[3], "*");
            String byWeekday = String.join(" ", fields[0], fields[1], "*", fields[3], fields[4]);
            Instant first = null;
            for (String one : List.of(byDay, byWeekday)) {
                try {
                    Instant at = cron(one, cron.zone(), after);
                    first = first == null || at.isBefore(first) ? at : first;
                } catch (IllegalStateException never) {
                    // A 31st of February never comes; the days of the week still do.
                }
            }
            if (first == null) {
                throw new IllegalStateException("cron " + cron.expression() + " never fires");
            }
            return first;
        }
        return cron(cron.expression(), cron.zone(), after);
    }

    /** Whether a day field limits the days (not {@code *}, nor a step over all of them such as {@code *}{@code /2}). */
    private static boolean restricted(String field) {
        return !field.startsWith("*") && !field.equals("?");
    }

    /** More wall times than a cron every minute has in the longest span a zone's clocks ever repeat. */
    private static final int WALL_TIMES_REPEATED = 3 * 60;

    private static Instant cron(String cronExpression, ZoneId zone, Instant after) {
        var cron = new Schedule.Cron(cronExpression, zone);
        CronExpression expression = CronExpression.parse("0 " + cron.expression());
        LocalDateTime wall = after.atZone(cron.zone()).toLocalDateTime();
        // Read in the hour the clocks repeat, the wall times left in it were that hour's first time round, before
        // after: a cron every minute passes up to 60 of them (120 in a zone that repeats two hours).
        for (int i = 0; i < WALL_TIMES_REPEATED; i++) {
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
