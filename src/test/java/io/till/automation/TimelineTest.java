package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's steps say what happened in their badges: a charge the bank declined is not "succeeded", and a wait that
 * is over, or was ended with its run, is not "waiting" (a newcomer's walk through payment dunning found both). A
 * waiting run says what it waits for: an event about one of its records, a failed step's next attempt, or a step put
 * off until what it waits for has ended.
 */
class TimelineTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant AT = Instant.parse("2026-12-02T10:00:00Z");

    private static Execution.Step line(int seq, String id, String kind, String status, String output) {
        JsonNode out = output == null ? null : JSON.readTree(output);
        return new Execution.Step(seq, id, id, null, kind, status, 1, null, out, null, null, AT, AT, 12);
    }

    @Test
    void aRetriedChargeTheBankDeclinedSaysDeclinedNotSucceeded() {
        var entries = Timeline.of(List.of(
            line(1, "retry", "action", "succeeded", """
                {"status": "declined", "payment_id": "pay_1", "failure_code": "card_declined"}"""),
            line(2, "again", "action", "succeeded", """
                {"status": "succeeded", "payment_id": "pay_2"}""")));

        assertThat(entries).extracting(Timeline.Entry::outcome).containsExactly("declined", "succeeded");
        assertThat(entries.getFirst().note()).isEqualTo("The card was declined (card_declined); nothing was charged");
    }

    @Test
    void aWaitThatIsOverIsOneLineFromItsStartToItsEndAndOneEndedWithItsRunSaysCanceled() {
        var begun = new Execution.Step(1, "wait", "wait", null, "delay", "waiting", 1, null,
            JSON.readTree("{\"until\": \"2026-12-05T10:00:00Z\"}"), null, null, AT, AT, 0);
        var ended = new Execution.Step(2, "wait", "wait", null, "delay", "succeeded", 1, null,
            JSON.readTree("{\"waited_until\": \"2026-12-05T10:00:00Z\"}"), null, null, AT.plusSeconds(3 * 86_400),
            AT.plusSeconds(3 * 86_400), 0);
        var steps = List.of(begun, ended, line(3, "wait_more", "delay", "waiting", null));
        var titles = java.util.Map.of("wait", "Wait 3 days", "wait_more", "Wait 7 days");

        var entries = Timeline.of(steps, null, "canceled", titles);
        assertThat(entries).extracting(Timeline.Entry::title).containsExactly("Wait 3 days", "Wait 7 days");
        assertThat(entries).extracting(Timeline.Entry::outcome).containsExactly("succeeded", "canceled");
        assertThat(entries.getFirst().startedAt()).isEqualTo(AT);
        assertThat(entries.getFirst().endedAt()).isEqualTo(AT.plusSeconds(3 * 86_400));
        assertThat(entries.getFirst().duration()).isEqualTo("3 days");
        assertThat(Timeline.of(steps, null, "waiting", titles)).extracting(Timeline.Entry::outcome)
            .containsExactly("succeeded", "waiting");
    }

    @Test
    void aWaitWhoseEndIsOnTheNextPageSaysWaited() {
        var entries = Timeline.of(List.of(line(1, "wait", "delay", "waiting", null)),
            line(2, "wait", "delay", "succeeded", null), null);

        assertThat(entries).extracting(Timeline.Entry::outcome).containsExactly("waited");
    }

    @Test
    void aSentEmailShowsToSubjectAndBodyAsMessageAndLinksTheDevMailbox() {
        var sent = new Execution.Step(1, "gentle", "gentle", null, "action", "succeeded", 1, JSON.readTree("""
            {"to": "ada@example.com", "subject": "We couldn't process your payment", "text": "Hi Ada"}"""),
            JSON.readTree("""
                {"to": "ada@example.com", "via": "dev_mailbox", "message_id": "<m@till.invalid>",
                 "dev_message_id": "msg_1"}"""), null, null, AT, AT, 12);

        var entry = Timeline.of(List.of(sent), null, "succeeded", java.util.Map.of("gentle", "Send email"))
            .getFirst();

        assertThat(entry.message().headline()).isEqualTo("Sent this email");
        assertThat(entry.message().facts()).extracting(TestedFlow.Fact::label, TestedFlow.Fact::value)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("To", "ada@example.com"),
                org.assertj.core.groups.Tuple.tuple("Subject", "We couldn't process your payment"),
                org.assertj.core.groups.Tuple.tuple("Sent through", "the dev mailbox"));
        assertThat(entry.message().text()).isEqualTo("Hi Ada");
        assertThat(entry.mailboxId()).isEqualTo("msg_1");
    }

    @Test
    void aStepThatDidNotSucceedShowsNoMessage() {
        var failed = new Execution.Step(1, "gentle", "gentle", null, "action", "failed", 1, JSON.readTree("""
            {"to": "ada@example.com", "subject": "Hello", "text": "Hi"}"""), null, null, null, AT, AT, 12);

        assertThat(Timeline.of(List.of(failed)).getFirst().message()).isNull();
    }

    @Test
    void aTaskAboutTheRunsCustomerNamesThemRatherThanTheirId() {
        var task = new Execution.Step(1, "task", "task", null, "action", "succeeded", 1, JSON.readTree("""
            {"title": "Call Ada", "customer_id": "cus_1"}"""), JSON.readTree("""
            {"task_id": "task_1"}"""), null, null, AT, AT, 3);

        var entry = Timeline.naming(Timeline.of(List.of(task)), "cus_1", "Ada Lovelace").getFirst();

        assertThat(entry.message().facts()).extracting(TestedFlow.Fact::label, TestedFlow.Fact::value)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("Title", "Call Ada"),
                org.assertj.core.groups.Tuple.tuple("Customer", "Ada Lovelace"));
    }

    @Test
    void aRunWaitingForAnEventSaysWhichEventAboutWhichOfItsRecordsAtWhichStep() {
        var waiting = new Execution.Step(1, "paid", "paid", null, "wait_for_event", "waiting", 1, null,
            JSON.readTree("""
                {"event": "payment_plan.completed", "match": "payment_plan", "until": "2026-12-05T10:00:00Z",
                 "payment_plan_id": "pp_1"}"""), null, null, AT, AT, 0);

        assertThat(Timeline.waitingFor(List.of(line(1, "hello", "action", "succeeded", null), waiting)))
            .isEqualTo("Event payment_plan.completed about this run's payment plan (step \u201cpaid\u201d),"
                + " or its time to end");
    }

    @Test
    void aRunWhoseActionFailedAndIsRetriedWaitsForItsNextAttempt() {
        var failed = new Execution.Step(2, "notify", "notify", null, "action", "failed", 2, null, null,
            JSON.readTree("{\"code\": \"http_503\"}"), null, AT, AT, 40);

        assertThat(Timeline.waitingFor(List.of(line(1, "notify", "action", "failed", null), failed)))
            .isEqualTo("Attempt 3 of step \u201cnotify\u201d");
    }

    @Test
    void aRunWhoseActionWasPutOffWaitsForItToBeTakenAgainAndSaysWhy() {
        var putOff = line(1, "notify", "action", "waiting", """
            {"until": "2026-12-02T10:01:00Z", "reason": "Slack is busy; tried again in a minute"}""");
        var unexplained = line(1, "notify", "action", "waiting", """
            {"until": "2026-12-02T10:01:00Z"}""");

        assertThat(Timeline.waitingFor(List.of(putOff)))
            .isEqualTo("Step \u201cnotify\u201d to be taken again: Slack is busy; tried again in a minute");
        assertThat(Timeline.waitingFor(List.of(unexplained)))
            .isEqualTo("Step \u201cnotify\u201d to be taken again: what it waits for has not ended");
    }
}
