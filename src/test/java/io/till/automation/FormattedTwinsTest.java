package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class FormattedTwinsTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aMomentOfARecordReadsAsTheDayABuyerWrites() {
        var context = (ObjectNode) json.readTree("""
            {"subscription": {"current_period_end": "2027-01-30T23:11:31.857758Z", "status": "active",
             "amount": 1900, "currency": "usd"},
             "invoice": {"due_at": "2027-02-01T00:00:00Z", "paid_at": null}}""");

        ExecutionContexts.addFormattedTwins(context, () -> ZoneOffset.UTC);

        assertThat(context.get("subscription").get("current_period_end_formatted").asString()).isEqualTo(
            "January 30, 2027");
        assertThat(context.get("subscription").get("amount_formatted").asString()).isEqualTo("$19.00");
        assertThat(context.get("invoice").get("due_at_formatted").asString()).isEqualTo("February 1, 2027");
        assertThat(context.get("invoice").has("paid_at_formatted")).isFalse();
        assertThat(context.get("subscription").has("status_formatted")).isFalse();
    }

    @Test
    void writesTheDayInTheStoresTimeZone() {
        var context = (ObjectNode) json.readTree("""
            {"invoice": {"due_at": "2027-02-01T03:00:00Z", "created_at": "2027-01-31T23:30:00Z"}}""");

        ExecutionContexts.addFormattedTwins(context, () -> ZoneId.of("America/New_York"));

        assertThat(context.get("invoice").get("due_at_formatted").asString()).isEqualTo("January 31, 2027");
        assertThat(context.get("invoice").get("created_at_formatted").asString()).isEqualTo("January 31, 2027");
    }

    @Test
    void leavesAFieldNamedLikeAMomentThatHoldsNoMomentAsItIs() {
        var context = (ObjectNode) json.readTree("""
            {"event": {"data": {"note": {"created_at": "yesterday"}}}}""");

        ExecutionContexts.addFormattedTwins(context, () -> ZoneOffset.UTC);

        assertThat(context.get("event").get("data").get("note").has("created_at_formatted")).isFalse();
    }

    @Test
    void acceptsTheTwinOfAMomentInAConditionAndRefusesATwinOfAnythingElse() {
        var errors = new java.util.ArrayList<io.till.shared.FieldError>();

        SaveChecks.conditionField("subscription.current_period_end_formatted", "conditions", java.util.Set.of(), null,
            false,
            errors);
        SaveChecks.conditionField("subscription.status_formatted", "conditions", java.util.Set.of(), null, false,
            errors);

        assertThat(errors).extracting(io.till.shared.FieldError::field).containsExactly("conditions");
        assertThat(errors.getFirst().message()).contains("subscription.status_formatted");
    }
}
