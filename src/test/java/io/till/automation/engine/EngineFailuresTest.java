package io.till.automation.engine;

import static io.till.automation.engine.Fixtures.NOW;
import static io.till.automation.engine.Fixtures.json;
import static io.till.automation.engine.Fixtures.object;
import static io.till.automation.engine.Fixtures.program;
import static org.assertj.core.api.Assertions.assertThat;

import io.till.action.ActionCatalogs;
import io.till.action.ActionResult;
import io.till.automation.Definition.Retry;
import io.till.automation.engine.Fixtures.Run;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** Failed actions: retries after a backoff, fallbacks, and executions that fail at a step. */
class EngineFailuresTest {

    private static final ObjectNode CONTEXT = object("""
        {"customer": {"id": "cus_1", "name": null, "email": "ada@example.com"},
         "event": {"rows": ["a", "b"]}}
        """);

    private static final String CHARGE = """
        {"id": "charge", "type": "action", "action": "send_email", "params": {"to": "{{customer.email}}"},
         "retry": {"attempts": 3, "backoff": "PT10S", "cap": "PT1H"} %s}
        """;

    private static final String AFTER = """
        {"id": "after", "type": "action", "action": "add_tag", "params": {"tag": "after"}}
        """;

    private static final String FALLBACK = """
        , "fallback": [{"id": "rescue", "type": "action", "action": "create_task", "params": {"title": "Look"}}]
        """;

    private static Program withFallback() {
        return program("[" + CHARGE.formatted(FALLBACK) + "," + AFTER + "]");
    }

    private static Program withoutFallback() {
        return program("[" + CHARGE.formatted("") + "," + AFTER + "]");
    }

    private static final ActionResult.Failed TIMEOUT = ActionResult.Failed.retryable("timeout", "no answer in 10s");
    private static final ActionResult.Failed BOUNCED = ActionResult.Failed.permanent("bounced", "no such mailbox");

    // Retries

    @Test
    void retriesARetryableFailureAfterTheBackoff() {
        var run = new Run(withFallback(), CONTEXT);
        var act = run.nextAct();

        run.failed(act, TIMEOUT, 0.5);

        // PT10S, plus half of its half: 12.5 seconds.
        assertThat(run.plan).isEqualTo(new Plan.Wait(NOW.plusMillis(12_500)));
        assertThat(run.state.attempt()).isEqualTo(2);
        assertThat(run.state.resumeAt()).isEqualTo(NOW.plusMillis(12_500));
        assertThat(run.state.frames()).containsExactly(new Frame("steps", 0, 0, null));
        assertThat(run.lastLogs).singleElement().satisfies(log -> {
            assertThat(log.status()).isEqualTo("failed");
            assertThat(log.attempt()).isEqualTo(1);
            assertThat(log.idempotencyKey()).isEqualTo("exe_1:charge");
            assertThat(log.error()).isEqualTo(json("""
                {"code": "timeout", "message": "no answer in 10s", "retryable": true}"""));
        });
    }

    /** A receiver's Retry-After longer than the backoff is waited, up to a day: 999999999 s parked runs for decades. */
    @Test
    void aRetryAfterLongerThanTheBackoffIsWaitedUpToADay() {
        var asked = new Run(withFallback(), CONTEXT);
        asked.failed(asked.nextAct(), new ActionResult.Failed("rate_limited", "429", true, java.time.Duration
            .ofMinutes(10)), 0.5);
        var absurd = new Run(withFallback(), CONTEXT);
        absurd.failed(absurd.nextAct(), new ActionResult.Failed("rate_limited", "429", true, java.time.Duration
            .ofSeconds(999_999_999)), 0.5);

        assertThat(asked.plan).isEqualTo(new Plan.Wait(NOW.plus(java.time.Duration.ofMinutes(10))));
        assertThat(absurd.plan).isEqualTo(new Plan.Wait(NOW.plus(Engine.MAX_RETRY_AFTER)));
    }

    @Test
    void anActionThatIsDeferredIsTakenAgainWithTheSameKeyWithoutSpendingAnAttempt() {
        var run = new Run(withoutFallback(), CONTEXT);
        var busy = new ActionResult.Deferred("charge_in_progress", "Another charge is at the gateway.",
            Duration.ofSeconds(2));
        // Deferred more often than the step has attempts: a wait is not a failure, and the run never fails of it.
        for (int i = 0; i < 5; i++) {
            run.deferred(run.nextAct(), busy, 0.5);
            // 2 s, and half of 2 s more for the jitter.
            assertThat(run.plan).isEqualTo(new Plan.Wait(run.now.plusSeconds(3)));
            assertThat(run.state.attempt()).isEqualTo(1);
            if (i == 0) {
                assertThat(run.lastLogs).singleElement().satisfies(log -> {
                    assertThat(log.status()).isEqualTo("waiting");
                    assertThat(log.attempt()).isEqualTo(1);
                    assertThat(log.output().get("reason").asString()).isEqualTo("Another charge is at the gateway.");
                    assertThat(log.output().get("until").asString()).isEqualTo(run.now.plusSeconds(3).toString());
                });
            } else {
                // Said once an attempt: a line every 2 s filled the log and spent the run's limit of steps.
                assertThat(run.lastLogs).as("deferred again, as the log already says").isEmpty();
            }
            run.state = StateJson.read(StateJson.write(run.state)); // as saved between the takes
            assertThat(run.next()).as("nothing is taken before its time")
                .isEqualTo(new Plan.Wait(run.now.plusSeconds(3)));
            run.now = run.state.resumeAt();
        }

        var act = run.nextAct();
        assertThat(act.step().id()).isEqualTo("charge");
        assertThat(act.idempotencyKey()).isEqualTo("exe_1:charge");
        assertThat(act.attempt()).isEqualTo(1);
        run.failed(act, TIMEOUT, 0.0);
        assertThat(run.state.attempt()).as("a failure after the waits is the first").isEqualTo(2);
        run.now = run.state.resumeAt();
        run.deferred(run.nextAct(), busy, 0.5);
        assertThat(run.lastLogs).as("the next attempt, deferred, says so").singleElement()
            .satisfies(log -> assertThat(log.attempt()).isEqualTo(2));
    }

    @Test
    void waitsTheBackoffOfTheAttemptThatFailed() {
        var run = new Run(withFallback(), CONTEXT);
        run.failed(run.nextAct(), TIMEOUT, 0.0);
        run.now = run.state.resumeAt();

        run.failed(run.nextAct(), TIMEOUT, 0.0);

        // The second backoff is doubled (20 s), and jitter 0 adds nothing to it.
        assertThat(run.plan).isEqualTo(new Plan.Wait(run.now.plusSeconds(20)));
        assertThat(run.state.attempt()).isEqualTo(3);
    }

    @Test
    void keepsWaitingUntilTheBackoffIsOver() {
        var run = new Run(withFallback(), CONTEXT);
        run.failed(run.nextAct(), TIMEOUT, 0.5);
        run.now = run.state.resumeAt().minusMillis(1);

        assertThat(run.next()).isEqualTo(new Plan.Wait(NOW.plusMillis(12_500)));
        assertThat(run.lastLogs).isEmpty();
    }

    @Test
    void triesAgainWithTheNextAttemptAndTheSameIdempotencyKey() {
        var run = new Run(withFallback(), CONTEXT);
        var first = run.nextAct();
        run.failed(first, TIMEOUT, 0.5);
        run.now = run.state.resumeAt();

        var second = run.nextAct();

        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.idempotencyKey()).isEqualTo(first.idempotencyKey()).isEqualTo("exe_1:charge");
        assertThat(second.params()).isEqualTo(first.params());
        assertThat(run.state.resumeAt()).isNull();
    }

    @Test
    void asksForTheContextOnceTheBackoffIsOverWhenItHasNone() {
        var run = new Run(withFallback(), CONTEXT);
        run.failed(run.nextAct(), TIMEOUT, 0.5);
        run.now = run.state.resumeAt();
        run.context = null;

        assertThat(run.next()).isEqualTo(new Plan.NeedsContext());
        run.context = CONTEXT;
        assertThat(run.nextAct().attempt()).isEqualTo(2);
    }

    @Test
    void waitsTheLongerRetryAfterWhenThePeerAsksForIt() {
        var run = new Run(withFallback(), CONTEXT);

        run.failed(run.nextAct(), new ActionResult.Failed("rate_limited", "slow down", true, Duration.ofMinutes(2)),
            0.5);

        assertThat(run.plan).isEqualTo(new Plan.Wait(NOW.plus(Duration.ofMinutes(2))));
    }

    @Test
    void waitsTheBackoffWhenRetryAfterIsShorter() {
        var run = new Run(withFallback(), CONTEXT);

        run.failed(run.nextAct(), new ActionResult.Failed("rate_limited", "slow down", true, Duration.ofSeconds(1)),
            0.5);

        assertThat(run.plan).isEqualTo(new Plan.Wait(NOW.plusMillis(12_500)));
    }

    @Test
    void startsTheNextActionFromItsFirstAttempt() {
        var run = new Run(withoutFallback(), CONTEXT);
        run.failed(run.nextAct(), TIMEOUT, 0.5);
        run.now = run.state.resumeAt();

        run.done(run.nextAct(), "{}");

        assertThat(run.state.attempt()).isEqualTo(1);
        var after = run.nextAct();
        assertThat(after.step().id()).isEqualTo("after");
        assertThat(after.attempt()).isEqualTo(1);
    }

    @Test
    void keepsTheIterationInTheKeyOfARetriedActionInsideALoop() {
        var run = new Run(program("""
            [{"id": "each", "type": "loop", "over": "event.rows", "max": 5, "steps": [%s]}]
            """.formatted(CHARGE.formatted(""))), CONTEXT);
        run.done(run.nextAct(), "{}");
        var second = run.nextAct();
        run.failed(second, TIMEOUT, 0.5);
        run.now = run.state.resumeAt();

        var retried = run.nextAct();

        assertThat(retried.idempotencyKey()).isEqualTo(second.idempotencyKey()).isEqualTo("exe_1:charge:1");
        assertThat(retried.attempt()).isEqualTo(2);
    }

    // Fallbacks

    @Test
    void runsTheFallbackWhenRetriesAreExhaustedThenGoesOnAfterTheFailedStep() {
        var run = new Run(withFallback(), CONTEXT);
        for (int attempt = 1; attempt < 3; attempt++) {
            run.failed(run.nextAct(), TIMEOUT, 0.5);
            run.now = run.state.resumeAt();
        }
        var last = run.nextAct();
        assertThat(last.attempt()).isEqualTo(3);

        run.failed(last, TIMEOUT, 0.5);

        assertThat(run.plan).isEqualTo(new Plan.NeedsContext());
        assertThat(run.state.attempt()).isEqualTo(1);
        assertThat(run.state.resumeAt()).isNull();
        var rescue = run.nextAct();
        assertThat(rescue.step().id()).isEqualTo("rescue");
        assertThat(rescue.path()).isEqualTo("steps[0].fallback[0]");
        assertThat(rescue.idempotencyKey()).isEqualTo("exe_1:rescue");
        run.done(rescue, "{}");
        assertThat(run.nextAct().step().id()).isEqualTo("after");
    }

    @Test
    void runsTheFallbackAtOnceOnAPermanentFailure() {
        var run = new Run(withFallback(), CONTEXT);

        run.failed(run.nextAct(), BOUNCED, 0.5);

        assertThat(run.plan).isEqualTo(new Plan.NeedsContext());
        assertThat(run.lastLogs).singleElement().satisfies(log -> assertThat(log.error()).isEqualTo(json("""
            {"code": "bounced", "message": "no such mailbox"}""")));
        assertThat(run.nextAct().step().id()).isEqualTo("rescue");
    }

    @Test
    void goesThroughAFallbackWithoutActionsWithoutTheContext() {
        var run = new Run(program("""
            [%s, {"id": "wait", "type": "delay", "duration": "PT5M"}]
            """.formatted(CHARGE.formatted("""
            , "fallback": [{"id": "pause", "type": "delay", "duration": "PT1M"}]"""))), CONTEXT);

        run.failed(run.nextAct(), BOUNCED, 0.5);

        assertThat(run.plan).isEqualTo(new Plan.Wait(NOW.plus(Duration.ofMinutes(1))));
        assertThat(run.state.frames()).containsExactly(new Frame("steps", 0, 0, null), new Frame(
            "steps[0].fallback", 0, 0, null));
        run.now = NOW.plus(Duration.ofMinutes(1));
        assertThat(run.next()).isEqualTo(new Plan.Wait(NOW.plus(Duration.ofMinutes(6))));
        assertThat(run.state.frames()).containsExactly(new Frame("steps", 1, 0, null));
    }

    @Test
    void failsTheExecutionAtTheStepWhenThereIsNoFallback() {
        var run = new Run(withoutFallback(), CONTEXT);

        run.failed(run.nextAct(), BOUNCED, 0.5);

        assertThat(run.plan).isEqualTo(new Plan.Finish(false, "charge", "bounced", "no such mailbox"));
        assertThat(run.state.frames()).containsExactly(new Frame("steps", 0, 0, null));
        assertThat(run.state.attempt()).isEqualTo(1);
        assertThat(run.state.resumeAt()).isNull();
    }

    @Test
    void failsTheExecutionWhenTheLastAttemptFails() {
        var run = new Run(program("[" + CHARGE.formatted("").replace("\"attempts\": 3", "\"attempts\": 1") + "]"),
            CONTEXT);

        run.failed(run.nextAct(), TIMEOUT, 0.5);

        assertThat(run.plan).isEqualTo(new Plan.Finish(false, "charge", "timeout", "no answer in 10s"));
    }

    @Test
    void triesThreeTimesByDefault() {
        var run = new Run(program("""
            [{"id": "mail", "type": "action", "action": "send_email", "params": {}}]"""), CONTEXT);
        assertThat(run.program.block("steps").getFirst()).isInstanceOfSatisfying(
            io.till.automation.Definition.Step.Action.class, a -> assertThat(a.retry()).isEqualTo(Retry.DEFAULT));

        for (int attempt = 1; attempt <= 2; attempt++) {
            assertThat(run.failed(run.nextAct(), TIMEOUT, 0.5)).isInstanceOf(Plan.Wait.class);
            run.now = run.state.resumeAt();
        }

        assertThat(run.failed(run.nextAct(), TIMEOUT, 0.5)).isInstanceOf(Plan.Finish.class);
    }

    @Test
    void reRunsAFailedStepFromItsFirstAttemptOnceRetried() {
        var run = new Run(withoutFallback(), CONTEXT);
        var failed = run.nextAct();
        run.failed(failed, BOUNCED, 0.5);

        run.state = run.state.retried(run.program, 1);
        var again = run.nextAct();

        assertThat(again.step().id()).isEqualTo("charge");
        assertThat(again.attempt()).isEqualTo(1);
        assertThat(again.idempotencyKey()).isEqualTo(failed.idempotencyKey());
    }

    /**
     * A run that failed as its delay ended (its state as it was claimed, a result PostgreSQL refused to store) is
     * retried from the end of that delay: the days it waited count.
     */
    @Test
    void aRunRetriedAfterFailingAsItsDelayEndedGoesOnWithoutWaitingAgain() {
        var run = new Run(program("[{\"id\": \"wait\", \"type\": \"delay\", \"duration\": \"P3D\"}," + AFTER
            + "]"), CONTEXT);
        assertThat(run.next()).isEqualTo(new Plan.Wait(NOW.plus(Duration.ofDays(3))));
        run.now = run.state.resumeAt().plusSeconds(1);

        run.state = run.state.retried(run.program, 0);

        assertThat(run.nextAct().step().id()).isEqualTo("after");
        assertThat(run.statuses("wait")).containsExactly("waiting", "succeeded");
    }

    /** A run that failed waiting out an action's backoff is retried at once: staff asked for it now. */
    @Test
    void aRunRetriedAfterFailingInAnActionsBackoffTriesTheActionAtOnce() {
        var run = new Run(withoutFallback(), CONTEXT);
        assertThat(run.failed(run.nextAct(), TIMEOUT, 0.5)).isInstanceOf(Plan.Wait.class);

        run.state = run.state.retried(run.program, 1);

        assertThat(run.nextAct().step().id()).isEqualTo("charge");
    }

    @Test
    void logsARetriedStepsAttemptsAfterThoseItMadeBeforeAndTheNextStepsFromOne() {
        var run = new Run(program("[" + CHARGE.formatted("") + ", {\"id\": \"mail\", \"type\": \"action\", "
            + "\"action\": \"send_email\", \"params\": {}}]"), CONTEXT);
        for (int attempt = 1; attempt <= 3; attempt++) {
            run.failed(run.nextAct(), TIMEOUT, 0.5);
            if (run.state.resumeAt() != null) {
                run.now = run.state.resumeAt();
            }
        }
        assertThat(run.plan).isInstanceOf(Plan.Finish.class);

        run.state = run.state.retried(run.program, 3);
        var fourth = run.nextAct();
        assertThat(fourth.attempt()).as("the retry policy counts afresh").isEqualTo(1);
        assertThat(run.failed(fourth, TIMEOUT, 0.5)).as("two more attempts are left").isInstanceOf(Plan.Wait.class);
        run.now = run.state.resumeAt();
        run.done(run.nextAct(), "{}");
        run.done(run.nextAct(), "{}");

        assertThat(run.logs).extracting(l -> l.stepId() + "#" + l.attempt())
            .containsExactly("charge#1", "charge#2", "charge#3", "charge#4", "charge#5", "mail#1");
        assertThat(run.state.attemptsBefore()).isZero();
    }

    @Test
    void retriedStateForgetsTheAttemptAndTheActionsBackoffAndKeepsTheAttemptsMade() {
        var state = new ExecutionState(java.util.List.of(new Frame("steps", 0, 0, null)), object("""
            {"a": 1}"""), 3, NOW);

        assertThat(state.retried(withoutFallback(), 3))
            .isEqualTo(new ExecutionState(state.frames(), state.outputs(), 1, null, null,
                3));
    }

    // Actions that cannot be called

    @Test
    void failsWithTemplateErrorNamingTheParamWhenAVariableIsMissing() {
        var run = new Run(program("""
            [{"id": "mail", "type": "action", "action": "send_email",
              "params": {"to": "{{customer.email}}", "subject": "Invoice {{invoice.number}}"}}]
            """), CONTEXT);

        var plan = run.next();

        assertThat(plan).isEqualTo(new Plan.Finish(false, "mail", "template_error",
            "params.subject: the context has no invoice (line 1)"));
        assertThat(run.lastLogs).singleElement().satisfies(log -> {
            assertThat(log.status()).isEqualTo("failed");
            assertThat(log.error().get("code").asString()).isEqualTo("template_error");
        });
    }

    @Test
    void runsTheFallbackOfAnActionWhoseParamsCannotBeRendered() {
        var run = new Run(program("""
            [{"id": "mail", "type": "action", "action": "send_email", "params": {"subject": "{{invoice.number}}"},
              "fallback": [{"id": "rescue", "type": "action", "action": "create_task", "params": {"title": "x"}}]}]
            """), CONTEXT);

        assertThat(run.nextAct().step().id()).isEqualTo("rescue");
    }

    @Test
    void failsWithInvalidParamsWhenTheRenderedParamsBreakTheSchema() {
        var run = new Run(program("""
            [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "{{customer.name}}"}}]
            """), CONTEXT);

        var plan = run.next();

        assertThat(plan).isEqualTo(new Plan.Finish(false, "tag", "invalid_params", "params.tag: is required: the tag"));
        assertThat(run.lastLogs).singleElement().satisfies(log -> {
            assertThat(log.input()).isEqualTo(json("""
                {"tag": ""}"""));
            assertThat(log.error().get("code").asString()).isEqualTo("invalid_params");
        });
    }

    @Test
    void failsWithActionUnavailableWhenTheEngineLacksTheAction() {
        var engine = new Engine(name -> name.equals("send_email") ? null : ActionCatalogs.small().get(name));
        var run = new Run(withoutFallback(), CONTEXT, engine);

        assertThat(run.next()).isEqualTo(new Plan.Finish(false, "charge", "action_unavailable",
            "this Till has no action send_email"));
        assertThat(run.lastLogs).singleElement().satisfies(log -> assertThat(log.status()).isEqualTo("failed"));
    }
}
