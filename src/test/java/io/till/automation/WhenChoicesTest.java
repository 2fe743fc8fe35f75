package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class WhenChoicesTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void everyEventTillRaisesIsOfferedOnceUnderItsGroupInWords() {
        var offered = WhenChoices.eventGroups().stream().flatMap(group -> group.choices().stream()).toList();

        assertThat(offered).extracting(WhenChoices.Choice::value).containsExactlyInAnyOrderElementsOf(
            EventType.NAMES);
        assertThat(WhenChoices.eventGroups().get(1).label()).isEqualTo("Payments");
        assertThat(offered).contains(new WhenChoices.Choice("payment.failed", "A payment fails"));
    }

    @Test
    void theCalendarOffersEveryDayTheParserTakes() {
        assertThat(WhenChoices.CALENDAR_DAYS).extracting(WhenChoices.Choice::value)
            .containsExactlyInAnyOrderElementsOf(TriggerParser.CALENDAR_DAYS);
    }

    @Test
    void aCalendarScheduleFiresAtItsLocalTimeAcrossASummerTimeChange() {
        var sunday = new Definition.Schedule.Calendar("sunday", LocalTime.of(9, 0), ZoneId.of("Europe/Paris"));

        // Summer time ends in Paris on Sunday October 25, 2026: 09:00 is 07:00Z before, 08:00Z after.
        var times = WhenChoices.nextTimes(sunday, ZoneId.of("Europe/Paris"), Instant.parse("2026-10-12T00:00:00Z"),
            3);

        assertThat(times).containsExactly("Sun, Oct 18, 2026 at 09:00", "Sun, Oct 25, 2026 at 09:00",
            "Sun, Nov 1, 2026 at 09:00");
    }

    @Test
    void anIntervalCountsFromNowAndACronThatNeverFiresShowsNothing() {
        Instant now = Instant.parse("2026-11-30T10:15:00Z");

        assertThat(WhenChoices.nextTimes(new Definition.Schedule.Every(Duration.ofHours(6), ZoneId.of("UTC")),
            ZoneId.of("UTC"), now,
            2)).containsExactly("Mon, Nov 30, 2026 at 16:15", "Mon, Nov 30, 2026 at 22:15");
        assertThat(WhenChoices.nextTimes(new Definition.Schedule.Cron("0 0 31 2 *", ZoneId.of("UTC")),
            ZoneId.of("UTC"), now, 5)).isEmpty();
    }

    @Test
    void aScheduleIsPreviewedOnlyOnceItReads() {
        assertThat(WhenChoices.schedule(json.readTree("""
            {"type": "schedule", "cron": "0 9 * * MON", "time_zone": "Europe/Paris"}"""))).contains(
            new Definition.Schedule.Cron("0 9 * * MON", ZoneId.of("Europe/Paris")));
        for (String unreadable : List.of("{\"cron\": \"0 9 * *\"}", "{\"cron\": \"0 9 * * MON\", \"time_zone\": "
            + "\"Mars/Olympus\"}", "{\"every\": \"PT10S\"}", "{\"every\": \"soon\"}", "{\"calendar\": \"someday\"}",
            "{\"calendar\": \"monday\", \"at\": \"25:00\"}")) {
            assertThat(WhenChoices.schedule(json.readTree(unreadable))).as(unreadable).isEmpty();
        }
    }
}
