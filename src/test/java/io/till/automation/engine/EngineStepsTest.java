package io.till.automation.engine;

import static io.till.automation.engine.Fixtures.ENGINE;
import static io.till.automation.engine.Fixtures.EXECUTION;
import static io.till.automation.engine.Fixtures.NOW;
import static io.till.automation.engine.Fixtures.json;
import static io.till.automation.engine.Fixtures.object;
import static io.till.automation.engine.Fixtures.program;
import static org.assertj.core.api.Assertions.assertThat;

import io.till.automation.Definition;
import io.till.automation.engine.Fixtures.Run;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** Every kind of step, walked by the engine with the context at hand. */
class EngineStepsTest {

    private static final ObjectNode ADA = object("""
        {"customer": {"id": "cus_1", "first_name": "Ada", "email": "ada@example.com", "name": null,
                      "tags": ["vip", "new", "beta"]},
         "invoice": {"amount": 4200, "due_at": "2026-11-24T09:00:00Z", "due_epoch": 1795510800,
                     "past": "2026-11-01T00:00:00Z"}}
        """);

    private static final String NOTIFY = """
        {"id": "notify", "type": "action", "action": "send_email",
         "params": {"to": "{{customer.email}}", "subject": "Hello {{customer.first_name}}", "amount": 42}}
        """;

    // Actions

    @Test
    void callsAnActionWithItsParamsRenderedAndAKeyOfExecutionAndStep() {
        var run = new Run(program("[" + NOTIFY + "]"), ADA);

        var act = run.nextAct();

        assertThat(act.step().id()).isEqualTo("notify");
        assertThat(act.path()).isEqualTo("steps[0]");
        assertThat(act.iteration()).isEmpty();
        assertThat(act.params()).isEqualTo(json("""
            {"to": "ada@example.com", "subject": "Hello Ada", "amount": 42}
            """));
        assertThat(act.idempotencyKey()).isEqualTo("exe_1:notify");
        assertThat(act.attempt()).isEqualTo(1);
        assertThat(run.state.frames()).containsExactly(new Frame("steps", 0, 0, null));
        assertThat(run.lastLogs).isEmpty();
    }

    @Test
    void finishesSucceededOnceTheLastActionIsDoneAndKeepsItsOutput() {
        var run = new Run(program("[" + NOTIFY + "]"), ADA);
        var act = run.nextAct();

        run.done(act, """
            {"message_id": "m_1"}""");

        assertThat(run.plan).isEqualTo(new Plan.Finish(true, null, null, null));
        assertThat(run.state.outputs()).isEqualTo(json("""
            {"notify": {"message_id": "m_1"}}"""));
        assertThat(run.lastLogs).singleElement().satisfies(log -> {
            assertThat(log.stepId()).isEqualTo("notify");
            assertThat(log.kind()).isEqualTo("action");
            assertThat(log.status()).isEqualTo("succeeded");
            assertThat(log.attempt()).isEqualTo(1);
            assertThat(log.input()).isEqualTo(act.params());
            assertThat(log.output()).isEqualTo(json("""
                {"message_id": "m_1"}"""));
            assertThat(log.idempotencyKey()).isEqualTo("exe_1:notify");
        });
    }

    @Test
    void savesAMissingOutputAsNull() {
        var run = new Run(program("[" + NOTIFY + "]"), ADA);
        var act = run.nextAct();

        run.done(act, "null");

        assertThat(run.state.outputs().get("notify").isNull()).isTrue();
        assertThat(run.plan).isEqualTo(new Plan.Finish(true, null, null, null));
    }

    @Test
    void makesAnActionsOutputAvailableToTheTemplatesOfLaterSteps() {
        var run = new Run(program("""
            [{"id": "task", "type": "action", "action": "create_task", "params": {"title": "Call"}},
             {"id": "mail", "type": "action", "action": "send_email",
              "params": {"subject": "Task {{steps.task.output.id}} is due"}}]
            """), ADA);

        run.done(run.nextAct(), """
            {"id": "tsk_9"}""");
        assertThat(run.plan).isEqualTo(new Plan.NeedsContext());

        assertThat(run.next()).isInstanceOfSatisfying(Plan.Act.class, act -> {
            assertThat(act.step().id()).isEqualTo("mail");
            assertThat(act.params().get("subject").asString()).isEqualTo("Task tsk_9 is due");
            assertThat(act.idempotencyKey()).isEqualTo("exe_1:mail");
        });
    }

    @Test
    void rendersNullValuesEmpty() {
        var run = new Run(program("""
            [{"id": "mail", "type": "action", "action": "send_email", "params": {"subject": "[{{customer.name}}]"}}]
            """), ADA);

        assertThat(run.nextAct().params().get("subject").asString()).isEqualTo("[]");
    }

    @Test
    void coercesRenderedParamsToTheTypesOfTheSchema() {
        var engine = new Engine(name -> io.till.action.ActionCatalogs.real().get(name));
        var run = new Run(Program.of("aut_1", 1, new io.till.automation.DefinitionParser(
            io.till.action.ActionCatalogs.real()).parse(json("""
                {"name": "t", "trigger": {"type": "manual"}, "steps": [
                  {"id": "consent", "type": "action", "action": "update_customer",
                   "params": {"marketing_consent": "{{event.consent}}"}}]}
                """))), object("""
                {"event": {"consent": "true"}}"""), engine);

        assertThat(run.nextAct().params()).isEqualTo(json("""
            {"marketing_consent": true}"""));
    }

    // Branches

    private static final String CHECK = """
        [{"id": "check", "type": "branch",
          "if": {"field": "invoice.amount", "op": "gt", "value": 1000},
          "then": [{"id": "big", "type": "action", "action": "add_tag", "params": {"tag": "big"}}],
          "else": [{"id": "small", "type": "action", "action": "add_tag", "params": {"tag": "small"}}]},
         {"id": "after", "type": "action", "action": "add_tag", "params": {"tag": "after"}}]
        """;

    @Test
    void takesTheThenBranchWhenTheConditionHolds() {
        var run = new Run(program(CHECK), ADA);

        var acts = run.toTheEnd();

        assertThat(acts).extracting(a -> a.step().id()).containsExactly("big", "after");
        assertThat(acts.getFirst().path()).isEqualTo("steps[0].then[0]");
        assertThat(run.logs.getFirst().output()).isEqualTo(json("""
            {"result": true, "taken": "then"}"""));
    }

    @Test
    void takesTheElseBranchWhenTheConditionFails() {
        var run = new Run(program(CHECK), object("""
            {"invoice": {"amount": 999}}"""));

        var acts = run.toTheEnd();

        assertThat(acts).extracting(a -> a.step().id()).containsExactly("small", "after");
        assertThat(acts.getFirst().path()).isEqualTo("steps[0].else[0]");
        assertThat(run.logs.getFirst().output()).isEqualTo(json("""
            {"result": false, "taken": "else"}"""));
    }

    @Test
    void goesOnAfterABranchWithoutElseWhenTheConditionFails() {
        var run = new Run(program("""
            [{"id": "check", "type": "branch", "if": {"field": "invoice.amount", "op": "lt", "value": 10},
              "then": [{"id": "tiny", "type": "action", "action": "add_tag", "params": {"tag": "tiny"}}]},
             {"id": "after", "type": "action", "action": "add_tag", "params": {"tag": "after"}}]
            """), ADA);

        var act = run.nextAct();

        assertThat(act.step().id()).isEqualTo("after");
        assertThat(run.lastLogs).singleElement().satisfies(log -> {
            assertThat(log.kind()).isEqualTo("branch");
            assertThat(log.output()).isEqualTo(json("""
                {"result": false, "taken": "none"}"""));
        });
    }

    @Test
    void treatsAMissingFieldAsAFailedCondition() {
        var run = new Run(program(CHECK), object("{}"));

        assertThat(run.toTheEnd()).extracting(a -> a.step().id()).containsExactly("small", "after");
    }

    // Delays

    private static final String WAIT_THEN_NOTIFY = """
        [{"id": "wait", "type": "delay", "duration": "PT1H"}, %s]
        """.formatted(NOTIFY);

    @Test
    void waitsTheDurationOfADelay() {
        var run = new Run(program(WAIT_THEN_NOTIFY), ADA);

        run.next();

        assertThat(run.plan).isEqualTo(new Plan.Wait(NOW.plus(Duration.ofHours(1))));
        assertThat(run.state.resumeAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(run.state.frames()).containsExactly(new Frame("steps", 0, 0, null));
        assertThat(run.statuses("wait")).containsExactly("waiting");
    }

    @Test
    void keepsWaitingBeforeTheTimeToResume() {
        var run = new Run(program(WAIT_THEN_NOTIFY), ADA);
        run.next();

        run.now = NOW.plus(Duration.ofHours(1)).minusMillis(1);
        run.next();

        assertThat(run.plan).isEqualTo(new Plan.Wait(NOW.plus(Duration.ofHours(1))));
        assertThat(run.lastLogs).isEmpty();
        assertThat(run.state.frames()).containsExactly(new Frame("steps", 0, 0, null));
    }

    @Test
    void resumesAtTheTimeToResumeAndGoesOnToTheNextStep() {
        var run = new Run(program(WAIT_THEN_NOTIFY), ADA);
        run.next();

        run.now = NOW.plus(Duration.ofHours(1));
        var act = run.nextAct();

        assertThat(act.step().id()).isEqualTo("notify");
        assertThat(run.statuses("wait")).containsExactly("waiting", "succeeded");
        assertThat(run.lastLogs.getFirst().output()).isEqualTo(json("""
            {"waited_until": "2026-11-21T11:00:00Z"}"""));
        assertThat(run.state.resumeAt()).isNull();
        assertThat(run.state.frames()).containsExactly(new Frame("steps", 1, 0, null));
    }

    @Test
    void waitsUntilATimeOfTheContextWrittenAsIsoText() {
        var run = new Run(program("""
            [{"id": "until_due", "type": "delay", "until": "invoice.due_at"}]"""), ADA);

        assertThat(run.next()).isEqualTo(new Plan.Wait(Instant.parse("2026-11-24T09:00:00Z")));
        assertThat(run.state.resumeAt()).isEqualTo(Instant.parse("2026-11-24T09:00:00Z"));
    }

    @Test
    void waitsUntilATimeOfTheContextWrittenAsEpochSeconds() {
        var run = new Run(program("""
            [{"id": "until_due", "type": "delay", "until": "invoice.due_epoch"}]"""), ADA);

        assertThat(run.next()).isEqualTo(new Plan.Wait(Instant.ofEpochSecond(1795510800)));
    }

    @Test
    void waitsUntilATimeOfTheContextWrittenAsEpochMillisecondsAsJavaScriptCountsThem() {
        // Date.now() in a shop's script: 1795510800000 read as seconds would be the year 58867.
        var run = new Run(program("""
            [{"id": "until_due", "type": "delay", "until": "event.at"}]"""), object("""
            {"event": {"at": 1795510800000}}"""));

        assertThat(run.next()).isEqualTo(new Plan.Wait(Instant.ofEpochSecond(1795510800)));
    }

    /** A day alone waits to its start in UTC, as conditions read it; a number sent as text is read as a number. */
    @Test
    void waitsUntilADayAloneOrAnEpochWrittenAsText() {
        var day = new Run(program("""
            [{"id": "until_due", "type": "delay", "until": "event.on"}]"""), object("""
            {"event": {"on": "2026-12-01"}}"""));
        var text = new Run(program("""
            [{"id": "until_due", "type": "delay", "until": "event.at"}]"""), object("""
            {"event": {"at": "1795510800"}}"""));

        assertThat(day.next()).isEqualTo(new Plan.Wait(Instant.parse("2026-12-01T00:00:00Z")));
        assertThat(text.next()).isEqualTo(new Plan.Wait(Instant.ofEpochSecond(1795510800)));
    }

    @Test
    void waitsUntilATimeTenYearsAheadTheLongestADelayWaits() {
        Instant tenYears = NOW.plus(Definition.TEN_YEARS);
        var run = new Run(program("""
            [{"id": "until_due", "type": "delay", "until": "event.at"}]"""), object("""
            {"event": {"at": "%s"}}""".formatted(tenYears)));

        assertThat(run.next()).isEqualTo(new Plan.Wait(tenYears));
    }

    @Test
    void failsWithInvalidTimeWhenTheTimeIsMoreThanTenYearsAhead() {
        Instant beyond = NOW.plus(Definition.TEN_YEARS).plusSeconds(1);
        var run = new Run(program("""
            [{"id": "until_due", "type": "delay", "until": "event.at"}, %s]""".formatted(NOTIFY)), object("""
            {"event": {"at": "%s"}}""".formatted(beyond)));

        assertThat(run.next()).isEqualTo(new Plan.Finish(false, "until_due", "invalid_time",
            "event.at is \"2036-11-18T10:00:01Z\", more than ten years ahead; a delay waits ten years at most"));
        assertThat(run.state.resumeAt()).isNull();
        assertThat(run.lastLogs).singleElement().satisfies(log -> {
            assertThat(log.status()).isEqualTo("failed");
            assertThat(log.error().get("code").asString()).isEqualTo("invalid_time");
        });
    }

    @Test
    void failsWithInvalidTimeWhenANumberIsMoreThanTenYearsAheadAsSecondsOrAsMilliseconds() {
        // As milliseconds the year 59389, as seconds the year 57 million: what Till could never store as a wake time.
        var millis = new Run(program("""
            [{"id": "until_due", "type": "delay", "until": "event.data.trial_ends"}]"""), object("""
            {"event": {"data": {"trial_ends": 1812000000000000}}}"""));
        // 99999999999 seconds: the year 5138.
        var seconds = new Run(program("""
            [{"id": "until_due", "type": "delay", "until": "event.at"}]"""), object("""
            {"event": {"at": 99999999999}}"""));

        assertThat(millis.next()).isEqualTo(new Plan.Finish(false, "until_due", "invalid_time",
            "event.data.trial_ends is 1812000000000000 (+59389-12-29T05:20:00Z, read as milliseconds since the "
                + "epoch), more than ten years ahead; a delay waits ten years at most"));
        assertThat(seconds.next()).isEqualTo(new Plan.Finish(false, "until_due", "invalid_time",
            "event.at is 99999999999 (5138-11-16T09:46:39Z, read as seconds since the epoch), more than ten years "
                + "ahead; a delay waits ten years at most"));
    }

    @Test
    void failsWithInvalidTimeForADayWrittenAsDigitsRatherThanGoingOnAtOnce() {
        // As seconds, 20260701 is 23 August 1970: long past, so the run would have gone straight to its next step.
        for (String at : List.of("\"20260701\"", "20260701", "0", "-5")) {
            var run = new Run(program("""
                [{"id": "until_due", "type": "delay", "until": "event.at"}, %s]""".formatted(NOTIFY)), object("""
                {"event": {"at": %s}}""".formatted(at)));

            assertThat(run.next()).as(at).isInstanceOfSatisfying(Plan.Finish.class, finish -> {
                assertThat(finish.errorCode()).isEqualTo("invalid_time");
                assertThat(finish.errorMessage()).startsWith("event.at is not a time: " + at)
                    .contains("a day such as 2026-11-24");
            });
        }
    }

    @Test
    void failsWithInvalidTimeWhenANumberIsBeyondWhatAnyClockCounts() {
        var run = new Run(program("""
            [{"id": "until_due", "type": "delay", "until": "event.at"}]"""), object("""
            {"event": {"at": 123456789012345678901234567890}}"""));

        assertThat(run.next()).isInstanceOfSatisfying(Plan.Finish.class, finish -> {
            assertThat(finish.errorCode()).isEqualTo("invalid_time");
            assertThat(finish.errorMessage()).startsWith("event.at is not a time: 123456789012345678901234567890");
        });
    }

    @Test
    void readsAnIsoTimeWithAnOffset() {
        var run = new Run(program("""
            [{"id": "until_due", "type": "delay", "until": "event.at"}]"""), object("""
            {"event": {"at": "2026-11-21T12:00:00+01:00"}}"""));

        assertThat(run.next()).isEqualTo(new Plan.Wait(Instant.parse("2026-11-21T11:00:00Z")));
    }

    @Test
    void doesNotWaitForATimeInThePast() {
        var run = new Run(program("""
            [{"id": "until_past", "type": "delay", "until": "invoice.past"}, %s]""".formatted(NOTIFY)), ADA);

        var act = run.nextAct();

        assertThat(act.step().id()).isEqualTo("notify");
        assertThat(run.lastLogs).singleElement().satisfies(log -> {
            assertThat(log.status()).isEqualTo("succeeded");
            assertThat(log.output()).isEqualTo(json("""
                {"until": "2026-11-01T00:00:00Z", "waited": false}"""));
        });
    }

    @Test
    void doesNotWaitForTheCurrentTime() {
        var run = new Run(program("""
            [{"id": "until_now", "type": "delay", "until": "event.at"}, %s]""".formatted(NOTIFY)), object("""
            {"event": {"at": "2026-11-21T10:00:00Z"}, "customer": {"email": "a@b.c", "first_name": "A"}}"""));

        assertThat(run.nextAct().step().id()).isEqualTo("notify");
    }

    @Test
    void failsWithInvalidTimeWhenTheTimeIsMissing() {
        var run = new Run(program("""
            [{"id": "until_due", "type": "delay", "until": "invoice.paid_at"}, %s]""".formatted(NOTIFY)), ADA);

        assertThat(run.next()).isEqualTo(new Plan.Finish(false, "until_due", "invalid_time",
            "invoice.paid_at is missing"));
        assertThat(run.lastLogs).singleElement().satisfies(log -> {
            assertThat(log.status()).isEqualTo("failed");
            assertThat(log.error().get("code").asString()).isEqualTo("invalid_time");
        });
    }

    @Test
    void failsWithInvalidTimeWhenTheValueIsNotATime() {
        var run = new Run(program("""
            [{"id": "until_due", "type": "delay", "until": "event.at"}]"""), object("""
            {"event": {"at": "next tuesday"}}"""));

        assertThat(run.next()).isEqualTo(new Plan.Finish(false, "until_due", "invalid_time",
            "event.at is not a time: \"next tuesday\" (a delay waits until an ISO-8601 time such as "
                + "2026-11-24T09:00:00Z, a day such as 2026-11-24, or seconds or milliseconds since the epoch)"));
    }

    @Test
    void failsWithInvalidTimeWhenTheValueIsNull() {
        var run = new Run(program("""
            [{"id": "until_due", "type": "delay", "until": "event.at"}]"""), object("""
            {"event": {"at": null}}"""));

        assertThat(run.next()).isInstanceOfSatisfying(Plan.Finish.class, finish -> {
            assertThat(finish.succeeded()).isFalse();
            assertThat(finish.errorCode()).isEqualTo("invalid_time");
            assertThat(finish.errorMessage()).isEqualTo("event.at is missing");
        });
    }

    // Loops

    private static final String TAG_EACH = """
        [{"id": "each", "type": "loop", "over": "customer.tags", "max": %d,
          "steps": [{"id": "notify", "type": "action", "action": "send_email",
                     "params": {"subject": "{{item}}"}}]},
         {"id": "after", "type": "action", "action": "add_tag", "params": {"tag": "done"}}]
        """;

    @Test
    void iteratesTheItemsWithTheItemInScope() {
        var run = new Run(program(TAG_EACH.formatted(10)), ADA);

        var acts = run.toTheEnd();

        assertThat(acts).extracting(a -> a.params().get("subject") == null
            ? null
            : a.params().get("subject")
                .asString())
            .containsExactly("vip", "new", "beta", null);
        assertThat(acts).extracting(Plan.Act::idempotencyKey).containsExactly("exe_1:notify:0", "exe_1:notify:1",
            "exe_1:notify:2", "exe_1:after");
        assertThat(acts).extracting(Plan.Act::iteration).containsExactly("0", "1", "2", "");
        assertThat(acts).extracting(Plan.Act::path).containsExactly("steps[0].steps[0]", "steps[0].steps[0]",
            "steps[0].steps[0]", "steps[1]");
        assertThat(run.plan).isEqualTo(new Plan.Finish(true, null, null, null));
    }

    /** Built without the parser, which does not know the loop variable (see the report). */
    @Test
    void putsTheLoopIndexAndCountInScope() {
        var notify = new Definition.Step.Action("notify", "send_email", json("""
            {"subject": "{{loop.index}}/{{loop.count}}: {{item}}"}"""), Definition.Retry.DEFAULT, List.of());
        var program = Program.of("aut_1", 1, new Definition("t", new Definition.Trigger.Manual(), null, List.of(
            new Definition.Step.Loop("each", "customer.tags", 10, List.of(notify)))));

        var acts = new Run(program, ADA).toTheEnd();

        assertThat(acts).extracting(a -> a.params().get("subject").asString()).containsExactly("0/3: vip", "1/3: new",
            "2/3: beta");
    }

    @Test
    void keepsTheItemsOfALoopInItsFrame() {
        var run = new Run(program(TAG_EACH.formatted(10)), ADA);

        run.done(run.nextAct(), "{}");

        assertThat(run.state.frames()).containsExactly(new Frame("steps", 0, 0, null), new Frame("steps[0].steps", 0,
            1, (tools.jackson.databind.node.ArrayNode) json("""
                ["vip", "new", "beta"]""")));
    }

    @Test
    void truncatesALoopToItsMax() {
        var run = new Run(program(TAG_EACH.formatted(2)), ADA);

        var acts = run.toTheEnd();

        assertThat(acts).extracting(Plan.Act::idempotencyKey).containsExactly("exe_1:notify:0", "exe_1:notify:1",
            "exe_1:after");
        assertThat(run.logs.getFirst().output()).isEqualTo(json("""
            {"items": 2, "truncated_from": 3}"""));
    }

    @Test
    void skipsALoopOverAnEmptyList() {
        var run = new Run(program(TAG_EACH.formatted(10)), object("""
            {"customer": {"tags": []}}"""));

        assertThat(run.toTheEnd()).extracting(a -> a.step().id()).containsExactly("after");
        assertThat(run.logs.getFirst().output()).isEqualTo(json("""
            {"items": 0}"""));
    }

    @Test
    void skipsALoopOverSomethingThatIsNotAList() {
        var run = new Run(program(TAG_EACH.formatted(10)), object("""
            {"customer": {"tags": "vip"}}"""));

        assertThat(run.toTheEnd()).extracting(a -> a.step().id()).containsExactly("after");
        assertThat(run.logs.getFirst().output()).isEqualTo(json("""
            {"items": 0, "note": "customer.tags is not a list"}"""));
    }

    @Test
    void skipsALoopOverAMissingField() {
        var run = new Run(program(TAG_EACH.formatted(10)), object("{}"));

        assertThat(run.toTheEnd()).extracting(a -> a.step().id()).containsExactly("after");
    }

    @Test
    void keysTheActionsOfNestedLoopsByEveryIteration() {
        var run = new Run(program("""
            [{"id": "rows", "type": "loop", "over": "event.rows", "max": 10, "steps": [
               {"id": "cells", "type": "loop", "over": "item.cells", "max": 10, "steps": [
                  {"id": "x", "type": "action", "action": "send_email", "params": {"subject": "{{item}}"}}]}]}]
            """), object("""
            {"event": {"rows": [{"cells": ["a"]}, {"cells": ["b", "c"]}]}}"""));

        var acts = run.toTheEnd();

        assertThat(acts).extracting(Plan.Act::idempotencyKey).containsExactly("exe_1:x:0.0", "exe_1:x:1.0",
            "exe_1:x:1.1");
        assertThat(acts).extracting(a -> a.params().get("subject").asString()).containsExactly("a", "b", "c");
    }

    // Stops

    @Test
    void stopEndsTheExecutionSucceededAndLaterStepsNeverRun() {
        var run = new Run(program("""
            [{"id": "halt", "type": "stop"}, %s]""".formatted(NOTIFY)), ADA);

        assertThat(run.next()).isEqualTo(new Plan.Finish(true, null, null, null));
        assertThat(run.state.frames()).isEmpty();
        assertThat(run.logs).singleElement().satisfies(log -> {
            assertThat(log.kind()).isEqualTo("stop");
            assertThat(log.output()).isEqualTo(json("""
                {"stopped": true}"""));
        });
        assertThat(run.next()).isEqualTo(new Plan.Finish(true, null, null, null));
    }

    @Test
    void stopInsideALoopEndsTheWholeExecution() {
        var run = new Run(program("""
            [{"id": "each", "type": "loop", "over": "customer.tags", "max": 10, "steps": [
               {"id": "notify", "type": "action", "action": "send_email", "params": {}},
               {"id": "halt", "type": "stop"}]},
             {"id": "after", "type": "action", "action": "add_tag", "params": {"tag": "after"}}]
            """), ADA);

        assertThat(run.toTheEnd()).extracting(Plan.Act::idempotencyKey).containsExactly("exe_1:notify:0");
        assertThat(run.plan).isEqualTo(new Plan.Finish(true, null, null, null));
    }

    // Without a context

    @Test
    void asksForTheContextBeforeCallingAnAction() {
        var run = new Run(program("[" + NOTIFY + "]"), null);

        assertThat(run.next()).isEqualTo(new Plan.NeedsContext());
        assertThat(run.state).isEqualTo(ExecutionState.start());
    }

    @Test
    void asksForTheContextBeforeDecidingABranch() {
        assertThat(new Run(program(CHECK), null).next()).isEqualTo(new Plan.NeedsContext());
    }

    @Test
    void asksForTheContextBeforeEnteringALoop() {
        assertThat(new Run(program(TAG_EACH.formatted(3)), null).next()).isEqualTo(new Plan.NeedsContext());
    }

    @Test
    void asksForTheContextBeforeADelayUntilATimeOfTheContext() {
        assertThat(new Run(program("""
            [{"id": "until_due", "type": "delay", "until": "invoice.due_at"}]"""), null).next())
            .isEqualTo(new Plan.NeedsContext());
    }

    @Test
    void entersAFixedDelayWithoutTheContext() {
        var run = new Run(program(WAIT_THEN_NOTIFY), null);

        assertThat(run.next()).isEqualTo(new Plan.Wait(NOW.plus(Duration.ofHours(1))));
    }

    @Test
    void endsADelayWithoutTheContextThenAsksForItForTheNextAction() {
        var run = new Run(program(WAIT_THEN_NOTIFY), null);
        run.next();
        run.now = NOW.plus(Duration.ofHours(2));

        assertThat(run.next()).isEqualTo(new Plan.NeedsContext());
        assertThat(run.statuses("wait")).containsExactly("waiting", "succeeded");
        assertThat(run.state.frames()).containsExactly(new Frame("steps", 1, 0, null));
        assertThat(run.state.resumeAt()).isNull();

        run.context = ADA;
        assertThat(run.nextAct().step().id()).isEqualTo("notify");
    }

    @Test
    void finishesWithoutTheContext() {
        var run = new Run(program("""
            [{"id": "wait", "type": "delay", "duration": "PT1M"}]"""), null);
        run.next();
        run.now = NOW.plus(Duration.ofMinutes(1));

        assertThat(run.next()).isEqualTo(new Plan.Finish(true, null, null, null));
    }

    @Test
    void stopsWithoutTheContext() {
        assertThat(new Run(program("""
            [{"id": "halt", "type": "stop"}, %s]""".formatted(NOTIFY)), null).next())
            .isEqualTo(new Plan.Finish(true, null, null, null));
    }

    @Test
    void goesOnAfterAnActionWithoutTheContextUntilItNeedsIt() {
        var run = new Run(program("""
            [%s, {"id": "wait", "type": "delay", "duration": "P1D"}, {"id": "halt", "type": "stop"}]
            """.formatted(NOTIFY)), ADA);
        var act = run.nextAct();

        var progress = ENGINE.afterAction(run.program, EXECUTION, run.state, act, new io.till.action.ActionResult.Done(
            json("{}")), NOW, NOW, 0.5);

        assertThat(progress.plan()).isEqualTo(new Plan.Wait(NOW.plus(Duration.ofDays(1))));
        assertThat(progress.logs()).extracting(StepLog::stepId, StepLog::status).containsExactly(
            org.assertj.core.groups.Tuple.tuple("notify", "succeeded"), org.assertj.core.groups.Tuple.tuple("wait",
                "waiting"));
    }

    // The walk budget

    @Test
    void pausesALongWalkWithoutActionsInsteadOfSpinningForever() {
        var rows = object("{}").putArray("rows");
        for (int i = 0; i < 20; i++) {
            var cells = rows.addObject().putArray("cells");
            for (int j = 0; j < 1000; j++) {
                cells.add(j);
            }
        }
        var context = object("{}");
        context.putObject("event").set("rows", rows);
        var run = new Run(program("""
            [{"id": "rows", "type": "loop", "over": "event.rows", "max": 1000, "steps": [
               {"id": "cells", "type": "loop", "over": "item.cells", "max": 1000, "steps": [
                  {"id": "check", "type": "branch", "if": {"field": "item", "op": "lt", "value": 0},
                   "then": [{"id": "halt", "type": "stop"}]}]}]},
             {"id": "last", "type": "stop"}]
            """), context);

        assertThat(run.next()).isEqualTo(new Plan.NeedsContext());
        assertThat(run.lastLogs).hasSizeLessThanOrEqualTo(Engine.WALK_BUDGET);
        assertThat(run.state.frames()).hasSize(3);

        int decisions = 1;
        while (run.plan instanceof Plan.NeedsContext && decisions < 100) {
            run.next();
            decisions++;
        }
        assertThat(run.plan).isEqualTo(new Plan.Finish(true, null, null, null));
        assertThat(decisions).isGreaterThan(1);
        assertThat(run.statuses("check")).hasSize(20_000);
        assertThat(run.statuses("last")).containsExactly("succeeded");
    }

    @Test
    void logsTheIterationOfStepsInsideALoop() {
        var run = new Run(program(TAG_EACH.formatted(10)), ADA);

        run.toTheEnd();

        assertThat(run.logs).filteredOn(l -> l.stepId().equals("notify")).extracting(StepLog::iteration)
            .containsExactly("0", "1", "2");
        assertThat(run.logs).filteredOn(l -> l.stepId().equals("each")).extracting(StepLog::iteration)
            .containsExactly("");
    }

    static List<String> ids(List<Plan.Act> acts) {
        return acts.stream().map(a -> a.step().id()).toList();
    }
}
