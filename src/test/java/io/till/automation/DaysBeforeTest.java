package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * {@code days_before} on an upcoming trigger (PRODUCT §4): Till announces the renewal (trial end, installment, …) that
 * far ahead too, with {@code days_before} in the event, and the automation starts only from that announcement; one
 * without {@code days_before} hears the standard notice (7 days). Seed 002: "30 days before: send renewal reminder; 7
 * days before: send confirmation request".
 */
@TillIntegrationTest
class DaysBeforeTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    MatchTraces traces;

    private String automation(Shops.Shop shop, String event, Integer daysBefore) {
        var created = api.post("/api/v1/automations", shop.apiKey(), """
            {"name": "Ahead", "trigger": {"type": "event", "event": "%s"%s},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}"""
            .formatted(event, daysBefore == null ? "" : ", \"days_before\": " + daysBefore));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        var activated = api.post("/api/v1/automations/" + id + "/activate", shop.apiKey(), null);
        assertThat(activated.status()).as(activated.text()).isEqualTo(200);
        return id;
    }

    /** The days_before of the events that started this automation's runs. */
    private List<Integer> runs(Shops.Shop shop, String automation) {
        agenda.runDue();
        var days = new ArrayList<Integer>();
        api.get("/api/v1/executions?automation_id=" + automation, shop.apiKey()).json().get("data")
            .forEach(run -> days.add(run.get("trigger").get("data").get("days_before").asInt()));
        return days;
    }

    private List<JsonNode> announcements(Shops.Shop shop, String type) {
        var events = new ArrayList<JsonNode>();
        api.get("/api/v1/events?type=" + type, shop.apiKey()).json().get("data").forEach(events::add);
        return events;
    }

    /**
     * A reviewer's: two notices due at the same moment (2 days before the coming renewal, and as many days before the
     * one after it as make the same day) are one job, which announced the first renewal only: the other automation
     * never ran. Each wanted notice is announced.
     */
    @Test
    void twoNoticesDueAtTheSameMomentAreBothAnnounced() {
        var shop = shops.open();
        var bought = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var subscription = shops.subscription(shop, bought.get("subscription_id").asString());
        var start = java.time.Instant.parse(subscription.get("current_period_start").asString())
            .atZone(java.time.ZoneOffset.UTC);
        var first = java.time.Instant.parse(subscription.get("current_period_end").asString())
            .atZone(java.time.ZoneOffset.UTC);
        // The renewal after it is two months from the start (as billing counts months), some 28 to 31 days on.
        var second = start.plusMonths(2);
        int farther = 2 + (int) java.time.Duration.between(first, second).toDays();
        String twoDays = automation(shop, "subscription.renewal_upcoming", 2);
        String sameDay = automation(shop, "subscription.renewal_upcoming", farther);

        shops.advance(shop, "P" + (java.time.Duration.between(start, first).toDays() - 1) + "D");

        assertThat(runs(shop, twoDays)).containsExactly(2);
        assertThat(runs(shop, sameDay)).containsExactly(farther);
    }

    /**
     * A reviewer's: a daily subscription's renewals lie a week ahead of their 7-day notice, beyond the next one, and
     * were never announced after the first (late) one. Each renewal is announced its notice ahead.
     */
    @Test
    void eachRenewalOfADailySubscriptionIsAnnouncedAWeekAhead() {
        var shop = shops.open();
        var product = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Daily digest", "options": [{"name": "Daily", "kind": "subscription", "amount": 100,
             "currency": "usd", "interval": "day"}]}""").json();
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Digest", "product_id": "%s"}""".formatted(product.get("id").asString())).json();
        var bought = api.post("/api/v1/checkouts/" + checkout.get("id").asString() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(product.get("options").get(0).get("id").asString()));
        assertThat(bought.status()).as(bought.text()).isEqualTo(201);

        shops.advance(shop, "P10D");

        var ahead = new ArrayList<String>();
        announcements(shop, "subscription.renewal_upcoming").stream()
            .filter(event -> event.get("data").get("days_before").asInt() == 7)
            .forEach(event -> ahead.add(event.get("data").get("renews_at").asString()));
        assertThat(ahead).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(9);
    }

    @Test
    void eachAutomationStartsFromTheAnnouncementMadeItsDaysBeforeAhead() {
        var shop = shops.open();
        // Bought before the automations exist: activating one that asks for a new notice puts it on the agenda.
        shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String threeDays = automation(shop, "subscription.renewal_upcoming", 3);
        String standard = automation(shop, "subscription.renewal_upcoming", null);
        String twentyDays = automation(shop, "subscription.renewal_upcoming", 20);

        // The first period ends a month after the purchase (at least 28 days): day 24 is past the 20- and the
        // 7-day notices, and before the 3-day one.
        shops.advance(shop, "P24D");

        assertThat(runs(shop, twentyDays)).containsExactly(20);
        assertThat(runs(shop, standard)).containsExactly(7);
        assertThat(runs(shop, threeDays)).isEmpty();

        shops.advance(shop, "P4D");

        assertThat(runs(shop, threeDays)).containsExactly(3);
        assertThat(runs(shop, twentyDays)).containsExactly(20);
        assertThat(runs(shop, standard)).containsExactly(7);
        // One announcement per notice, newest first; webhooks hear each of them.
        assertThat(announcements(shop, "subscription.renewal_upcoming")).extracting(e -> e.get("data").get(
            "days_before").asInt()).containsExactly(3, 7, 20);
    }

    /**
     * A 3-day trial and a 7-day standard notice: the notice had passed when the trial began, and it used never to be
     * made, so a trial-ending reminder never ran for short trials. Now it is made at once, late, and every automation
     * whose notice was longer starts from it; a shorter notice is still made at its time.
     */
    @Test
    void aNoticeThatHadPassedWhenAShortTrialBeganIsMadeLateAtOnceForEveryLongerNotice() {
        var shop = shops.open();
        var product = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Club", "options": [{"name": "Monthly", "kind": "subscription", "amount": 1900,
             "currency": "usd", "interval": "month", "trial_days": 3}]}""").json();
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Club", "product_id": "%s"}""".formatted(product.get("id").asString())).json();
        String standard = automation(shop, "subscription.trial_ending", null);
        String fourteen = automation(shop, "subscription.trial_ending", 14);
        String oneDay = automation(shop, "subscription.trial_ending", 1);
        var bought = api.post("/api/v1/checkouts/" + checkout.get("id").asString() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(product.get("options").get(0).get("id").asString()));
        assertThat(bought.status()).as(bought.text()).isEqualTo(201);

        shops.advance(shop, "PT1H");

        assertThat(runs(shop, standard)).containsExactly(3);
        assertThat(runs(shop, fourteen)).containsExactly(3);
        assertThat(runs(shop, oneDay)).isEmpty();
        var late = announcements(shop, "subscription.trial_ending").getFirst();
        assertThat(late.get("data").get("announced_late").asBoolean()).isTrue();

        shops.advance(shop, "P2DT12H");

        assertThat(runs(shop, oneDay)).containsExactly(1);
        assertThat(runs(shop, standard)).containsExactly(3);
        assertThat(announcements(shop, "subscription.trial_ending")).extracting(e -> e.get("data").get(
            "days_before").asInt() + (e.get("data").get("announced_late").asBoolean() ? " late" : ""))
            .containsExactly("1", "3 late");
    }

    /** A card saved a month before it expires is announced at once: the 60-day notice had passed. */
    @Test
    void aCardSavedInsideItsNoticeIsAnnouncedLateAtOnce() {
        var shop = shops.open();
        String expiring = automation(shop, "card.expiring", null);
        String customer = shops.customer(shop);
        // Expires at the end of the month 28 days from now: 28 to 59 days ahead, inside the 60-day notice whatever
        // the day of the month the test clock shows (the end of next month is 61 days after the 1st of December).
        var month = java.time.YearMonth.from(java.time.Instant.parse(api.get("/api/v1/test_clock", shop.apiKey())
            .json().get("now").asString()).plus(java.time.Duration.ofDays(28)).atZone(java.time.ZoneOffset.UTC));
        var saved = api.post(Shops.cards(customer), shop.apiKey(), """
            {"token": "pm_card_visa", "exp_month": %d, "exp_year": %d}""".formatted(month.getMonthValue(),
            month.getYear()));
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);

        shops.advance(shop, "PT1H");

        var announced = announcements(shop, "card.expiring");
        assertThat(announced).hasSize(1);
        assertThat(announced.getFirst().get("data").get("announced_late").asBoolean()).isTrue();
        assertThat(announced.getFirst().get("data").get("days_before").asInt()).isBetween(28, 61);
        assertThat(runs(shop, expiring)).hasSize(1);
    }

    @Test
    void theMatchTraceAndATestRunSayWhichAnnouncementAnAutomationWaitsFor() {
        var shop = shops.open();
        String threeDays = automation(shop, "subscription.renewal_upcoming", 3);
        shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");

        shops.advance(shop, "P24D");
        agenda.runDue();

        var standardNotice = announcements(shop, "subscription.renewal_upcoming").getFirst();
        assertThat(standardNotice.get("data").get("days_before").asInt()).isEqualTo(7);
        assertThat(traces.skipped(shop.accountId(), standardNotice.get("id").asString())).containsEntry(threeDays,
            "It runs 3 days before; this announcement came 7 days before.");
        var tested = api.post("/api/v1/automations/" + threeDays + "/test", shop.apiKey(), """
            {"event_id": "%s"}""".formatted(standardNotice.get("id").asString())).json();
        assertThat(tested.get("status").asString()).isEqualTo("not_started");
        assertThat(tested.get("error").get("message").asString())
            .isEqualTo("would not start: it runs 3 days before; this announcement came 7 days before");
    }

    @Test
    void anArchivedAutomationsNoticeIsNotAnnouncedWhenItsTimeComes() {
        var shop = shops.open();
        String tenDays = automation(shop, "subscription.renewal_upcoming", 10);
        shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        assertThat(api.delete("/api/v1/automations/" + tenDays, shop.apiKey()).status()).isEqualTo(200);

        shops.advance(shop, "P27D");

        assertThat(announcements(shop, "subscription.renewal_upcoming")).extracting(e -> e.get("data").get(
            "days_before").asInt()).containsExactly(7);
    }

    @Test
    void daysBeforeIsRefusedWhereNothingIsAnnouncedAheadAndOutOfRange() {
        var shop = shops.open();
        var notAhead = api.post("/api/v1/automations", shop.apiKey(), """
            {"name": "x", "trigger": {"type": "event", "event": "payment.failed", "days_before": 3},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");
        var zero = api.post("/api/v1/automations", shop.apiKey(), """
            {"name": "x", "trigger": {"type": "event", "event": "card.expiring", "days_before": 0},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");

        assertThat(notAhead.status()).isEqualTo(400);
        assertThat(notAhead.text()).contains("trigger.days_before", "not_upcoming",
            "payment.failed is not announced ahead of time");
        assertThat(zero.status()).isEqualTo(400);
        assertThat(zero.text()).contains("trigger.days_before", "must be a whole number of days from 1 to 366");
    }

    @Test
    void aNoticeAsLongAsTheBillingPeriodIsMadeForEveryRenewalEvenInShortMonths() {
        var shop = shops.open();
        automation(shop, "subscription.renewal_upcoming", 30);
        shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");

        shops.advance(shop, "P120D");

        var thirty = announcements(shop, "subscription.renewal_upcoming").stream()
            .filter(e -> e.get("data").get("days_before").asInt() == 30).toList();
        // Four monthly periods: the renewals after the first are each announced 30 days ahead, including those that
        // follow a period shorter than 30 days (the announcement then falls in the period before).
        assertThat(thirty).hasSizeGreaterThanOrEqualTo(3);
        var renewals = new java.util.TreeSet<String>();
        for (JsonNode announcement : thirty) {
            java.time.Instant at = java.time.Instant.parse(announcement.get("occurred_at").asString());
            java.time.Instant renews = java.time.Instant.parse(announcement.get("data").get("renews_at").asString());
            assertThat(java.time.Duration.between(at, renews)).isEqualTo(java.time.Duration.ofDays(30));
            renewals.add(renews.toString());
        }
        assertThat(renewals).hasSize(thirty.size());
    }

    @Test
    void aFixedTermsEndIsAnnouncedAsFarAheadAsAskedFromAnEarlierPeriod() {
        var shop = shops.open();
        var product = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Bootcamp", "options": [{"name": "3 months", "kind": "subscription", "amount": 5000,
             "currency": "usd", "interval": "month", "cycles": 3}]}""").json();
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Bootcamp", "product_id": "%s"}""".formatted(product.get("id").asString())).json();
        String ending = automation(shop, "subscription.ending_soon", 45);
        var order = api.post("/api/v1/checkouts/" + checkout.get("id").asString() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(product.get("options").get(0).get("id").asString())).json();
        String endsAt = shops.subscription(shop, order.get("subscription_id").asString()).get("ends_at").asString();

        shops.advance(shop, "P100D");

        assertThat(runs(shop, ending)).containsExactly(45);
        var announced = announcements(shop, "subscription.ending_soon").stream()
            .filter(e -> e.get("data").get("days_before").asInt() == 45).toList();
        assertThat(announced).hasSize(1);
        assertThat(java.time.Duration.between(java.time.Instant.parse(announced.getFirst().get("occurred_at")
            .asString()), java.time.Instant.parse(endsAt))).isEqualTo(java.time.Duration.ofDays(45));
    }

    @Test
    void anInstallmentNoticeLongerThanTheIntervalIsMadeInTheInstallmentBefore() {
        var shop = shops.open();
        String ahead = automation(shop, "payment_plan.payment_upcoming", 45);
        // Three monthly installments: the first with the order, then two. 45 days is longer than any month.
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");

        shops.advance(shop, "P70D");

        assertThat(runs(shop, ahead)).containsExactly(45);
        var announced = announcements(shop, "payment_plan.payment_upcoming").stream()
            .filter(e -> e.get("data").get("days_before").asInt() == 45).toList();
        assertThat(announced).hasSize(1);
        var event = announced.getFirst();
        assertThat(java.time.Duration.between(java.time.Instant.parse(event.get("occurred_at").asString()),
            java.time.Instant.parse(event.get("data").get("due_at").asString()))).isEqualTo(java.time.Duration
                .ofDays(45));
        var invoices = api.get("/api/v1/invoices?customer_id=" + order.get("customer_id").asString(), shop.apiKey())
            .json().get("data");
        // The announced installment is the third, the second invoice of the plan.
        assertThat(invoices.get(0).get("sequence").asInt()).isEqualTo(3);
        assertThat(event.get("data").get("due_at").asString()).isEqualTo(invoices.get(0).get("due_at").asString());
    }
}
