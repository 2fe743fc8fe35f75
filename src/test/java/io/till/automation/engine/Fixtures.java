package io.till.automation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.action.ActionCatalogs;
import io.till.action.ActionResult;
import io.till.automation.DefinitionParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** What the engine tests share: JSON, a fixed clock, programs written as JSON, and a driver playing the executor. */
final class Fixtures {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    static final String EXECUTION = "exe_1";
    static final Engine ENGINE = new Engine(name -> ActionCatalogs.small().get(name));

    private static final DefinitionParser PARSER = new DefinitionParser(ActionCatalogs.small());

    private Fixtures() {}

    /** A manual automation with these steps (a JSON list), read as the engine reads a stored version. */
    static Program program(String steps) {
        return Program.of("aut_1", 1, PARSER.parseSaved(JSON.readTree("""
            {"name": "test", "trigger": {"type": "manual"}, "steps": %s}
            """.formatted(steps))));
    }

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    static ObjectNode object(String text) {
        return (ObjectNode) JSON.readTree(text);
    }

    /** Plays the executor for one execution: keeps its state, its clock and every log line. */
    static final class Run {
        final Program program;
        final Engine engine;
        ObjectNode context;
        ExecutionState state = ExecutionState.start();
        Instant now = NOW;
        Plan plan;
        final List<StepLog> logs = new ArrayList<>();
        final List<StepLog> lastLogs = new ArrayList<>();

        Run(Program program, ObjectNode context) {
            this(program, context, ENGINE);
        }

        Run(Program program, ObjectNode context, Engine engine) {
            this.program = program;
            this.context = context;
            this.engine = engine;
        }

        Plan next() {
            return absorb(engine.next(program, EXECUTION, state, context, now));
        }

        /** The next plan of a run waiting at a wait_for_event step, told what arrived (null: nothing did). */
        Plan nextWith(JsonNode arrived) {
            return absorb(engine.next(program, EXECUTION, state, context, now, arrived));
        }

        /** The next plan, which must be an action to call. */
        Plan.Act nextAct() {
            assertThat(next()).isInstanceOf(Plan.Act.class);
            return (Plan.Act) plan;
        }

        Plan done(Plan.Act act, String output) {
            return absorb(engine.afterAction(program, EXECUTION, state, act, new ActionResult.Done(json(output)), now,
                now, 0.5));
        }

        Plan failed(Plan.Act act, ActionResult.Failed failure, double jitter) {
            return absorb(engine.afterAction(program, EXECUTION, state, act, failure, now, now, jitter));
        }

        Plan deferred(Plan.Act act, ActionResult.Deferred deferral, double jitter) {
            return absorb(engine.afterAction(program, EXECUTION, state, act, deferral, now, now, jitter));
        }

        /** Goes on to the end, calling every action with {@code {}} as output and sleeping through every wait. */
        List<Plan.Act> toTheEnd() {
            var acts = new ArrayList<Plan.Act>();
            next();
            for (int i = 0; i < 10_000 && !(plan instanceof Plan.Finish); i++) {
                switch (plan) {
                    case Plan.Act act -> {
                        acts.add(act);
                        done(act, "{}");
                    }
                    case Plan.Wait wait -> {
                        now = wait.until();
                        next();
                    }
                    default -> next();
                }
            }
            assertThat(plan).isInstanceOf(Plan.Finish.class);
            return acts;
        }

        List<String> statuses(String stepId) {
            return logs.stream().filter(l -> l.stepId().equals(stepId)).map(StepLog::status).toList();
        }

        private Plan absorb(Plan.Progress progress) {
            state = progress.state();
            plan = progress.plan();
            lastLogs.clear();
            lastLogs.addAll(progress.logs());
            logs.addAll(progress.logs());
            return plan;
        }
    }
}
