package io.till.automation.engine;

import static io.till.automation.engine.Fixtures.NOW;
import static io.till.automation.engine.Fixtures.json;
import static io.till.automation.engine.Fixtures.object;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;

class StateJsonTest {

    private static final ExecutionState WAITING_IN_A_LOOP = new ExecutionState(List.of(new Frame("steps", 2, 0, null),
        new Frame("steps[2].steps", 1, 1, (ArrayNode) json("""
            [{"id": "a"}, {"id": "b"}, null]""")), new Frame("steps[2].steps[1].fallback", 0, 0, null)), object("""
            {"task": {"id": "tsk_1"}, "mail": null}"""), 2, NOW);

    @Test
    void writesPlainJson() {
        assertThat(StateJson.write(WAITING_IN_A_LOOP)).isEqualTo(json("""
            {"frames": [{"block": "steps", "index": 2},
                        {"block": "steps[2].steps", "index": 1, "iteration": 1,
                         "items": [{"id": "a"}, {"id": "b"}, null]},
                        {"block": "steps[2].steps[1].fallback", "index": 0}],
             "outputs": {"task": {"id": "tsk_1"}, "mail": null},
             "attempt": 2,
             "resume_at": "2026-11-21T10:00:00Z"}
            """));
    }

    @Test
    void readsBackWhatItWrote() {
        assertThat(StateJson.read(StateJson.write(WAITING_IN_A_LOOP))).isEqualTo(WAITING_IN_A_LOOP);
    }

    @Test
    void readsBackWhatItWroteAfterATripThroughText() {
        String text = StateJson.write(WAITING_IN_A_LOOP).toString();

        assertThat(StateJson.read(json(text))).isEqualTo(WAITING_IN_A_LOOP);
    }

    @Test
    void keepsTheAttemptsARetriedStepMadeBefore() {
        var program = Fixtures.program("""
            [{"id": "mail", "type": "action", "action": "send_email", "params": {}}]""");
        var retried = new ExecutionState(List.of(Frame.root()), object("{}"), 2, NOW).retried(program, 3);

        assertThat(StateJson.write(retried).get("attempts_before").asInt()).isEqualTo(3);
        assertThat(StateJson.read(json(StateJson.write(retried).toString()))).isEqualTo(retried);
    }

    @Test
    void roundTripsTheStartingState() {
        var written = StateJson.write(ExecutionState.start());

        assertThat(written.has("resume_at")).isFalse();
        assertThat(StateJson.read(written)).isEqualTo(ExecutionState.start());
    }

    @Test
    void readsANullResumeAtAsNotWaiting() {
        var state = StateJson.read(json("""
            {"frames": [{"block": "steps", "index": 0}], "outputs": {}, "attempt": 1, "resume_at": null}"""));

        assertThat(state.resumeAt()).isNull();
    }

    @Test
    void anExecutionGoesOnFromAStateThatWasSavedAndRead() {
        var program = Fixtures.program("""
            [{"id": "each", "type": "loop", "over": "event.rows", "max": 5, "steps": [
               {"id": "mail", "type": "action", "action": "send_email", "params": {"subject": "{{item}}"}}]}]
            """);
        var context = object("""
            {"event": {"rows": ["a", "b"]}}""");
        var run = new Fixtures.Run(program, context);
        run.done(run.nextAct(), """
            {"sent": 1}""");

        run.state = StateJson.read(json(StateJson.write(run.state).toString()));

        var act = run.nextAct();
        assertThat(act.idempotencyKey()).isEqualTo("exe_1:mail:1");
        assertThat(act.params().get("subject").asString()).isEqualTo("b");
        assertThat(run.state.outputs()).isEqualTo(json("""
            {"mail": {"sent": 1}}"""));
    }

    @Test
    void startsAtTheFirstStepWithTheFirstAttemptAndNoOutputs() {
        assertThat(ExecutionState.start()).isEqualTo(new ExecutionState(List.of(Frame.root()), object("{}"), 1,
            null));
        assertThat(Frame.root()).isEqualTo(new Frame("steps", 0, 0, null));
    }
}
