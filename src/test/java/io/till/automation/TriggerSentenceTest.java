package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.event.EventType;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TriggerSentenceTest {

    private static Definition.Trigger event(String type, Map<String, String> scope) {
        return new Definition.Trigger.OnEvent(type, scope);
    }

    @Test
    void aScopedEventReadsAsASentenceWithTheScopedObjectsNames() {
        var trigger = event("payment.failed", Map.of("subscription_group_id", "sgrp_pro"));

        assertThat(TriggerSentence.of(trigger, Map.of("sgrp_pro", "Pro plans")))
            .isEqualTo("When a payment fails for a subscription in Pro plans");
    }

    @Test
    void anEventWithoutScopeIsAccountWide() {
        assertThat(TriggerSentence.of(event("invoice.overdue", Map.of()), Map.of()))
            .isEqualTo("When an invoice becomes overdue");
    }

    @Test
    void severalScopesReadInTheSameOrderWhateverTheOrderWritten() {
        var scope = new LinkedHashMap<String, String>();
        scope.put("promo_code_id", "promo_1");
        scope.put("checkout_id", "chk_1");
        scope.put("product_id", "prod_1");

        assertThat(TriggerSentence.of(event("checkout.purchased", scope), Map.of("chk_1", "Spring sale", "prod_1",
            "Yoga course", "promo_1", "SPRING20")))
            .isEqualTo("When someone buys through a checkout through the Spring sale checkout for Yoga course with "
                + "promo code SPRING20");
    }

    @Test
    void aScopedIdWithoutANameIsShownAsTheId() {
        assertThat(TriggerSentence.of(event("upsell.purchased", Map.of("upsell_id", "upsell_gone")), Map.of()))
            .isEqualTo("When an upsell is bought through the upsell_gone upsell");
    }

    @Test
    void aCustomEventIsNamedAsItIsSent() {
        assertThat(TriggerSentence.of(event("acme.signup", Map.of()), Map.of()))
            .isEqualTo("When the custom event acme.signup arrives");
    }

    @Test
    void everyEventTillRaisesHasItsOwnWords() {
        assertThat(TriggerSentence.EVENTS.keySet())
            .containsExactlyInAnyOrderElementsOf(Arrays.stream(EventType.values()).map(EventType::type).toList());
    }

    @Test
    void schedulesSayWhenTheyFireAndInWhichZone() {
        var utc = ZoneId.of("UTC");
        assertThat(TriggerSentence.of(new Definition.Trigger.OnSchedule(new Definition.Schedule.Every(Duration
            .ofDays(1), utc)), Map.of())).isEqualTo("Every day");
        assertThat(TriggerSentence.of(new Definition.Trigger.OnSchedule(new Definition.Schedule.Every(Duration
            .ofDays(7), ZoneId.of("Europe/Berlin"))), Map.of())).isEqualTo("Every 7 days (Europe/Berlin)");
        assertThat(TriggerSentence.of(new Definition.Trigger.OnSchedule(new Definition.Schedule.Every(Duration
            .ofHours(6), ZoneId.of("Europe/Berlin"))), Map.of())).isEqualTo("Every 6 hours");
        assertThat(TriggerSentence.of(new Definition.Trigger.OnSchedule(new Definition.Schedule.Every(Duration
            .ofHours(24 * 3 + 12), utc)), Map.of())).isEqualTo("Every 3 days and 12 hours");
        assertThat(TriggerSentence.of(new Definition.Trigger.OnSchedule(new Definition.Schedule.Every(Duration
            .ofMinutes(90), utc)), Map.of())).isEqualTo("Every 1 hour and 30 minutes");
        assertThat(TriggerSentence.of(new Definition.Trigger.OnSchedule(new Definition.Schedule.Cron("0 9 * * 1",
            ZoneId.of("Europe/Paris"))), Map.of())).isEqualTo("On the schedule 0 9 * * 1 (Europe/Paris)");
        assertThat(TriggerSentence.of(new Definition.Trigger.OnSchedule(new Definition.Schedule.Calendar(
            "first_day_of_month", LocalTime.of(9, 0), utc)), Map.of()))
            .isEqualTo("On the first day of each month at 09:00 (UTC)");
        assertThat(TriggerSentence.of(new Definition.Trigger.OnSchedule(new Definition.Schedule.Calendar("monday",
            LocalTime.of(8, 30), utc)), Map.of())).isEqualTo("Every Monday at 08:30 (UTC)");
    }

    @Test
    void aManualTriggerSaysWhoStartsIt() {
        assertThat(TriggerSentence.of(new Definition.Trigger.Manual(), Map.of()))
            .isEqualTo("When started by hand, from the dashboard or the API");
    }

    @Test
    void durationsReadInWholeUnits() {
        assertThat(TriggerSentence.duration(Duration.ofDays(3))).isEqualTo("3 days");
        assertThat(TriggerSentence.duration(Duration.ofDays(1))).isEqualTo("1 day");
        assertThat(TriggerSentence.duration(Duration.parse("P1DT2H5M"))).isEqualTo("1 day, 2 hours and 5 minutes");
        assertThat(TriggerSentence.duration(Duration.ofSeconds(30))).isEqualTo("30 seconds");
    }
}
