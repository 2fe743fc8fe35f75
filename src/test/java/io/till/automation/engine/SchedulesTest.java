package io.till.automation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.automation.Definition.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class SchedulesTest {

    private static final Instant ANCHOR = Instant.parse("2026-11-21T10:00:00Z");
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final ZoneId UTC = ZoneId.of("UTC");

    private static Instant next(Schedule schedule, String after) {
        return Schedules.next(schedule, ANCHOR, Instant.parse(after));
    }

    // every

    private static final Schedule HOURLY = new Schedule.Every(Duration.ofHours(1), ZoneId.of("UTC"));

    @Test
    void firesEveryIntervalCountedFromTheAnchor() {
        assertThat(next(HOURLY, "2026-11-21T10:00:00Z")).isEqualTo("2026-11-21T11:00:00Z");
        assertThat(next(HOURLY, "2026-11-21T10:00:00.001Z")).isEqualTo("2026-11-21T11:00:00Z");
        assertThat(next(HOURLY, "2026-11-21T10:59:59.999Z")).isEqualTo("2026-11-21T11:00:00Z");
        assertThat(next(HOURLY, "2026-11-21T11:00:00Z")).isEqualTo("2026-11-21T12:00:00Z");
    }

    @Test
    void firesOnceAfterDowntimeAtTheFirstTimeAfterNow() {
        assertThat(next(HOURLY, "2026-11-21T15:20:00Z")).isEqualTo("2026-11-21T16:00:00Z");
        assertThat(next(HOURLY, "2026-12-21T15:20:00Z")).isEqualTo("2026-12-21T16:00:00Z");
    }

    @Test
    void firesFirstAtTheAnchorWhenItIsStillAhead() {
        assertThat(next(HOURLY, "2026-11-21T07:30:00Z")).isEqualTo(ANCHOR);
    }

    @Test
    void keepsAnOddIntervalAnchored() {
        var every = new Schedule.Every(Duration.ofMinutes(45), ZoneId.of("UTC"));

        assertThat(next(every, "2026-11-21T12:00:00Z")).isEqualTo("2026-11-21T12:15:00Z");
    }

    /**
     * "Every day" from 09:00 in Paris stays at 09:00 when the clocks go forward (28 March 2027) and back (31 October):
     * counted as 24 hours it fired at 10:00 all summer. Shorter intervals stay elapsed time.
     */
    @Test
    void countsWholeDaysInTheZonesDaysSoADailyScheduleKeepsItsTimeOfDay() {
        var daily = new Schedule.Every(Duration.ofDays(1), PARIS);
        var weekly = new Schedule.Every(Duration.ofDays(7), PARIS);
        var sixHours = new Schedule.Every(Duration.ofHours(6), PARIS);
        Instant nineInWinter = Instant.parse("2027-03-27T08:00:00Z");

        assertThat(Schedules.next(daily, nineInWinter, Instant.parse("2027-03-27T08:00:00Z")))
            .as("the day the clocks go forward is 23 hours long").isEqualTo("2027-03-28T07:00:00Z");
        assertThat(Schedules.next(daily, nineInWinter, Instant.parse("2027-03-28T07:00:00Z")))
            .isEqualTo("2027-03-29T07:00:00Z");
        assertThat(Schedules.next(daily, nineInWinter, Instant.parse("2027-07-14T06:59:00Z")))
            .isEqualTo("2027-07-14T07:00:00Z");
        assertThat(Schedules.next(daily, nineInWinter, Instant.parse("2027-11-01T07:00:00Z")))
            .as("back in winter time").isEqualTo("2027-11-01T08:00:00Z");
        assertThat(Schedules.next(weekly, nineInWinter, Instant.parse("2027-03-27T09:00:00Z")))
            .isEqualTo("2027-04-03T07:00:00Z");
        assertThat(Schedules.next(daily, nineInWinter, Instant.parse("2027-03-26T00:00:00Z")))
            .as("first at the anchor").isEqualTo(nineInWinter);
        assertThat(Schedules.next(sixHours, nineInWinter, Instant.parse("2027-03-28T07:00:00Z")))
            .isEqualTo("2027-03-28T08:00:00Z");
        assertThat(Schedules.next(new Schedule.Every(Duration.ofDays(1), UTC), nineInWinter, Instant.parse(
            "2027-07-14T06:59:00Z"))).isEqualTo("2027-07-14T08:00:00Z");
    }

    /** 02:30 every day in Paris: the night the clocks skip it, an hour later, as a calendar schedule does. */
    @Test
    void aDailyTimeTheClocksSkipComesAnHourLaterThatNightOnly() {
        var daily = new Schedule.Every(Duration.ofDays(1), PARIS);
        Instant halfPastTwo = Instant.parse("2027-03-27T01:30:00Z");

        assertThat(Schedules.next(daily, halfPastTwo, halfPastTwo)).isEqualTo("2027-03-28T01:30:00Z");
        assertThat(Schedules.next(daily, halfPastTwo, Instant.parse("2027-03-28T01:30:00Z")))
            .isEqualTo("2027-03-29T00:30:00Z");
    }

    // cron

    @Test
    void firesACronExpressionInItsTimeZone() {
        var weekdays = new Schedule.Cron("0 9 * * MON-FRI", ZoneId.of("America/New_York"));

        // Friday 20 November after nine in New York: the next is Monday 23 at nine, EST.
        assertThat(next(weekdays, "2026-11-20T15:00:00Z")).isEqualTo("2026-11-23T14:00:00Z");
        assertThat(next(weekdays, "2026-11-20T13:59:00Z")).isEqualTo("2026-11-20T14:00:00Z");
    }

    /**
     * As cron reads five fields: a day of the month and a day of the week, both given, fire on either. "0 9 1 * MON"
     * fired only on a 1st that is a Monday (Spring's reading), some months none at all.
     */
    @Test
    void aCronWithADayOfTheMonthAndADayOfTheWeekFiresOnEither() {
        var firstOrMonday = new Schedule.Cron("0 9 1 * MON", ZoneId.of("UTC"));
        var neverADayButMondays = new Schedule.Cron("0 9 31 2 MON", ZoneId.of("UTC"));

        // Friday 27 November: Monday 30 comes before December 1 (a Tuesday), which comes before the next Monday.
        assertThat(next(firstOrMonday, "2026-11-27T12:00:00Z")).isEqualTo("2026-11-30T09:00:00Z");
        assertThat(next(firstOrMonday, "2026-11-30T12:00:00Z")).isEqualTo("2026-12-01T09:00:00Z");
        assertThat(next(firstOrMonday, "2026-12-01T12:00:00Z")).isEqualTo("2026-12-07T09:00:00Z");
        // February 31 never comes; February's Mondays do.
        assertThat(next(neverADayButMondays, "2027-01-01T00:00:00Z")).isEqualTo("2027-02-01T09:00:00Z");
    }

    @Test
    void keepsTheLocalTimeOfACronAcrossTheSpringDstChangeInParis() {
        var nineDaily = new Schedule.Cron("0 9 * * *", PARIS);

        // 28 March 2026 at nine CET is 08:00Z; on 29 March clocks go forward, so nine CEST is 07:00Z.
        assertThat(next(nineDaily, "2026-03-28T07:59:00Z")).isEqualTo("2026-03-28T08:00:00Z");
        assertThat(next(nineDaily, "2026-03-28T08:00:00Z")).isEqualTo("2026-03-29T07:00:00Z");
    }

    @Test
    void keepsTheLocalTimeOfACronAcrossTheAutumnDstChangeInParis() {
        var nineDaily = new Schedule.Cron("0 9 * * *", PARIS);

        assertThat(next(nineDaily, "2026-10-24T07:00:00Z")).isEqualTo("2026-10-25T08:00:00Z");
    }

    /**
     * A daily 02:30 in Paris did not run at all on the day clocks go forward (a probe's report went missing); it runs
     * past the gap, at 03:30 CEST, as a calendar schedule's time does.
     */
    @Test
    void firesACronTimeTheClocksSkipJustPastTheGap() {
        var halfPastTwo = new Schedule.Cron("30 2 * * *", PARIS);

        assertThat(next(halfPastTwo, "2026-03-28T12:00:00Z")).isEqualTo("2026-03-29T01:30:00Z");
        assertThat(next(halfPastTwo, "2026-03-29T01:30:00Z")).isEqualTo("2026-03-30T00:30:00Z");
    }

    @Test
    void firesACronTimeTheClocksRepeatOnce() {
        var halfPastTwo = new Schedule.Cron("30 2 * * *", PARIS);

        // 25 October 2026: 02:30 CEST (00:30Z) and, an hour later, 02:30 CET (01:30Z); the first only.
        assertThat(next(halfPastTwo, "2026-10-24T12:00:00Z")).isEqualTo("2026-10-25T00:30:00Z");
        assertThat(next(halfPastTwo, "2026-10-25T00:30:00Z")).isEqualTo("2026-10-26T01:30:00Z");
        assertThat(next(halfPastTwo, "2026-10-25T01:00:00Z")).isEqualTo("2026-10-26T01:30:00Z");
    }

    /**
     * Read late into the hour the clocks repeat (02:05 CET, the second time round), a cron every 15 minutes has fired
     * that hour's times already, the first time round: its next is 03:00 CET. It threw "fires nowhere after", which
     * rolled back the firing of every due schedule of every account, every second, until the hour was over.
     */
    @Test
    void aFrequentCronReadInTheRepeatedHourFiresAtTheFirstTimeAfterIt() {
        var quarterly = new Schedule.Cron("*/15 * * * *", PARIS);
        var everyMinute = new Schedule.Cron("* * * * *", PARIS);

        assertThat(next(quarterly, "2026-10-25T01:05:00Z")).isEqualTo("2026-10-25T02:00:00Z");
        assertThat(next(everyMinute, "2026-10-25T01:05:00Z")).isEqualTo("2026-10-25T02:00:00Z");
        assertThat(next(quarterly, "2026-10-25T00:50:00Z")).as("the first time round, as ever")
            .isEqualTo("2026-10-25T02:00:00Z");
    }

    @Test
    void firesACronEveryFewMinutes() {
        var quarterly = new Schedule.Cron("*/15 * * * *", UTC);

        assertThat(next(quarterly, "2026-11-21T10:07:30Z")).isEqualTo("2026-11-21T10:15:00Z");
        assertThat(next(quarterly, "2026-11-21T10:15:00Z")).isEqualTo("2026-11-21T10:30:00Z");
    }

    // calendar

    @Test
    void firesOnTheFirstDayOfTheMonthAtItsTime() {
        var first = new Schedule.Calendar("first_day_of_month", LocalTime.of(9, 0), PARIS);

        assertThat(next(first, "2026-11-21T10:00:00Z")).isEqualTo("2026-12-01T08:00:00Z");
        assertThat(next(first, "2026-12-01T07:59:59Z")).isEqualTo("2026-12-01T08:00:00Z");
        assertThat(next(first, "2026-12-01T08:00:00Z")).isEqualTo("2027-01-01T08:00:00Z");
    }

    @Test
    void firesOnTheFirstDayOfTheMonthInTheTimeZoneWhereItAlreadyIs() {
        var first = new Schedule.Calendar("first_day_of_month", LocalTime.of(0, 30), PARIS);

        // 30 November at 23:10Z is already 1 December 00:10 in Paris.
        assertThat(next(first, "2026-11-30T23:10:00Z")).isEqualTo("2026-11-30T23:30:00Z");
    }

    @Test
    void firesOnTheLastDayOfFebruary() {
        var last = new Schedule.Calendar("last_day_of_month", LocalTime.MIDNIGHT, UTC);

        assertThat(next(last, "2027-02-10T00:00:00Z")).isEqualTo("2027-02-28T00:00:00Z");
        assertThat(next(last, "2028-02-10T00:00:00Z")).isEqualTo("2028-02-29T00:00:00Z");
        assertThat(next(last, "2028-02-29T00:00:00Z")).isEqualTo("2028-03-31T00:00:00Z");
    }

    @Test
    void firesOnTheLastDayOfAMonthOfThirtyDays() {
        var last = new Schedule.Calendar("last_day_of_month", LocalTime.of(18, 0), UTC);

        assertThat(next(last, "2026-11-21T10:00:00Z")).isEqualTo("2026-11-30T18:00:00Z");
    }

    @Test
    void firesOnTheLastDayOfMarchInSummerTime() {
        var last = new Schedule.Calendar("last_day_of_month", LocalTime.of(9, 0), PARIS);

        assertThat(next(last, "2026-03-01T00:00:00Z")).isEqualTo("2026-03-31T07:00:00Z");
    }

    @Test
    void firesOnAWeekdayAtItsTime() {
        var monday = new Schedule.Calendar("monday", LocalTime.of(9, 30), ZoneId.of("America/New_York"));

        // Saturday 21 November: the next Monday is the 23rd, 09:30 EST.
        assertThat(next(monday, "2026-11-21T10:00:00Z")).isEqualTo("2026-11-23T14:30:00Z");
        assertThat(next(monday, "2026-11-23T14:30:00Z")).isEqualTo("2026-11-30T14:30:00Z");
        assertThat(next(monday, "2026-11-23T14:29:00Z")).isEqualTo("2026-11-23T14:30:00Z");
    }

    @Test
    void firesOnASundayEvenWhenTodayIsSunday() {
        var sunday = new Schedule.Calendar("sunday", LocalTime.NOON, UTC);

        assertThat(next(sunday, "2026-11-22T11:00:00Z")).isEqualTo("2026-11-22T12:00:00Z");
    }
}
