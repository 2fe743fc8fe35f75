package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.automation.engine.ExecutionState;
import io.till.automation.engine.Frame;
import io.till.shared.Redaction;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class ErasedMidStepTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Redaction UNKNOWN = Redaction.everyText("cus_1");

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    @Test
    void whatTheStepLeftAsItWasKeepsTheErasuresRedactionAndWhatItMadeLosesEveryText() {
        var items = (ArrayNode) json("""
            ["Ada's ring", "Ada's hat"]""");
        var before = new ExecutionState(List.of(new Frame("steps", 1, 0, null), new Frame("steps[1].steps", 0, 0,
            items)), (ObjectNode) json("""
                {"hello": {"note": "Hello Ada, welcome"}}"""), 1, null);
        var after = new ExecutionState(List.of(new Frame("steps", 1, 0, null), new Frame("steps[1].steps", 1, 0,
            items)), (ObjectNode) json("""
                {"hello": {"note": "Hello Ada, welcome"}, "mail": {"to": "ada@example.com", "message_id": "msg_1"}}"""),
            1, null);
        var erased = json("""
            {"frames": [{"block": "steps", "index": 1},
                        {"block": "steps[1].steps", "index": 0, "iteration": 0,
                         "items": ["[redacted]'s ring", "[redacted]'s hat"]}],
             "outputs": {"hello": {"note": "Hello [redacted], welcome"}}, "attempt": 1}""");

        var state = ErasedMidStep.state(before, after, erased, UNKNOWN);

        assertThat(state).isEqualTo(json("""
            {"frames": [{"block": "steps", "index": 1},
                        {"block": "steps[1].steps", "index": 1, "iteration": 0,
                         "items": ["[redacted]'s ring", "[redacted]'s hat"]}],
             "outputs": {"hello": {"note": "Hello [redacted], welcome"},
                         "mail": {"to": "[redacted]", "message_id": "msg_1"}},
             "attempt": 1}"""));
    }

    @Test
    void anErrorKeepsItsCodeAndStepAndLosesItsWords() {
        var error = json("""
            {"step_id": "mail", "code": "smtp_error", "message": "550 no such user ada@example.com",
             "retryable": false}""");

        assertThat(ErasedMidStep.error(error, UNKNOWN)).isEqualTo(json("""
            {"step_id": "mail", "code": "smtp_error", "message": "[redacted]", "retryable": false}"""));
        assertThat(ErasedMidStep.error(null, UNKNOWN)).isNull();
    }
}
