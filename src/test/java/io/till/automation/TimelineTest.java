package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's steps say what happened in their badges: a charge the bank declined is not "succeeded", and a wait that
 * is over, or was ended with its run, is not "waiting" (a newcomer's walk through payment dunning found both).
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
    void aWaitThatIsOverSaysWaitedAndOneEndedWithItsRunSaysCanceled() {
        var steps = List.of(line(1, "wait", "delay", "waiting", null), line(2, "wait", "delay", "succeeded", null),
            line(3, "wait_more", "delay", "waiting", null));

        assertThat(Timeline.of(steps, null, "canceled")).extracting(Timeline.Entry::outcome)
            .containsExactly("waited", "succeeded", "canceled");
        assertThat(Timeline.of(steps, null, "waiting")).extracting(Timeline.Entry::outcome)
            .containsExactly("waited", "succeeded", "waiting");
    }
}
