package io.till.automation;

import io.till.automation.engine.Paths;
import io.till.automation.engine.StepLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A dry run's would-be log drawn on the flow of the version it tested ({@link StepFlow}): each chip gets what the
 * step would do each time the run reached it (an email's rendered subject and body, an SMS's text, a webhook's URL
 * and payload, how long a wait lasts), each branch says which lane it took and which it skipped, and a step the run
 * never reached says so. Pure.
 */
final class TestedFlow {

    /** A label and its value, such as To: ada@example.com. */
    record Fact(String label, String value) {}

    /**
     * What one step did in the test. {@code tone} is a pill's (ok, warn, bad, off); {@code item} names the loop item
     * ("Item 2") inside a loop; {@code text} is shown as plain text, {@code html} only inside a sandboxed frame,
     * {@code json} as indented JSON; {@code until} is a wait's end.
     */
    record Outcome(String tone, String item, String headline, List<Fact> facts, String text, String html,
        String json, Instant until) {

        static Outcome of(String tone, String headline) {
            return new Outcome(tone, null, headline, List.of(), null, null, null, null);
        }

        Outcome withItem(String item) {
            return new Outcome(tone, item, headline, facts, text, html, json, until);
        }
    }

    /** The params an action's outcome lists as facts, in this order; the rest go in its JSON. */
    private static final List<String> FACTS = List.of("to", "subject", "url", "endpoint_id", "event_type", "tag",
        "title", "invoice_id", "customer_id", "reply_to", "via");
    /** The params shown as a message's body rather than as JSON. */
    private static final Set<String> BODIES = Set.of("text", "html", "payload", "dry_run");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TestedFlow() {}

    /** The chips of {@code definition}'s flow with what {@code result} says each step would do. */
    static List<StepFlow.Chip> of(List<StepFlow.Chip> chips, Definition definition, DryRuns.Result result) {
        Map<String, List<StepLog>> logs = new LinkedHashMap<>();
        result.steps().forEach(log -> logs.computeIfAbsent(log.stepId(), id -> new ArrayList<>()).add(log));
        Map<String, Definition.Step> byId = new HashMap<>();
        index(definition.steps(), byId);
        // A loop over the trigger's own data can show its items; records read fresh are not kept by the log.
        JsonNode snapshot = NODES.objectNode().set("event", result.event());
        return chips.stream().map(chip -> switch (chip.kind()) {
            case "trigger" -> with(chip, List.of(started(result)));
            case "conditions" -> with(chip, List.of(result.status().equals("not_started")
                ? Outcome.of("off", "Not checked: the run would not start")
                : result.status().equals("skipped")
                    ? new Outcome("bad", null, "Not met: the run stops here and does nothing", List.of(),
                        reason(result.error()), null, null, null)
                    : Outcome.of("ok", "Met")));
            // How often and when a run stops early are not steps: a test shows nothing of them.
            case "limit", "cancel" -> chip;
            default -> step(chip, logs, byId, snapshot);
        }).toList();
    }

    private static StepFlow.Chip with(StepFlow.Chip chip, List<Outcome> tried) {
        return new StepFlow.Chip(chip.kind(), chip.id(), chip.title(), chip.detail(), chip.lanes(), tried);
    }

    private static Outcome started(DryRuns.Result result) {
        String type = result.event().path("type").asString("");
        String id = result.event().path("id").asString(null);
        if (result.status().equals("not_started")) {
            return new Outcome("bad", null, "Would not start on this event", List.of(), reason(result.error()),
                null, null, null);
        }
        return new Outcome("ok", null, id == null ? "Starts on sample data (" + type + ")" : "Starts on " + type,
            id == null ? List.of() : List.of(new Fact("Event", id)), null, null, null, null);
    }

    private static String reason(JsonNode error) {
        if (error == null) {
            return null;
        }
        String message = error.path("message").asString("");
        message = message.replaceFirst("^would not start: ", "").replaceFirst("^the conditions do not hold: ", "");
        return message.isEmpty() ? null : Character.toUpperCase(message.charAt(0)) + message.substring(1) + ".";
    }

    private static StepFlow.Chip step(StepFlow.Chip chip, Map<String, List<StepLog>> logs,
        Map<String, Definition.Step> byId, JsonNode snapshot) {
        List<StepLog> mine = logs.getOrDefault(chip.id(), List.of());
        List<Outcome> tried = new ArrayList<>();
        for (StepLog log : mine) {
            // A wait is logged when it begins and again when it ends; its beginning says it all.
            if (chip.kind().equals("delay") && log.status().equals("succeeded") && log.output() != null
                && log.output().has("waited_until")) {
                continue;
            }
            tried.add(outcome(chip.kind(), byId.get(chip.id()), log, snapshot));
        }
        var lanes = new ArrayList<StepFlow.Lane>();
        for (int i = 0; i < chip.lanes().size(); i++) {
            var lane = chip.lanes().get(i);
            var steps = lane.steps().stream().map(inner -> inner.kind().equals("trigger")
                ? inner
                : step(inner, logs, byId, snapshot)).toList();
            lanes.add(new StepFlow.Lane(lane.label(), steps, laneNote(chip, i, mine, steps)));
        }
        return new StepFlow.Chip(chip.kind(), chip.id(), chip.title(), chip.detail(), lanes, tried);
    }

    /** "taken" or "skipped" for a branch's lanes and an action's fallback; how many times for a loop's body. */
    private static String laneNote(StepFlow.Chip chip, int index, List<StepLog> mine, List<StepFlow.Chip> steps) {
        if (mine.isEmpty()) {
            return "not reached";
        }
        return switch (chip.kind()) {
            case "branch" -> {
                String lane = index == 0 ? "then" : "else";
                yield mine.stream().anyMatch(log -> log.output() != null
                    && lane.equals(log.output().path("taken").asString(""))) ? "taken" : "skipped";
            }
            case "loop" -> {
                int items = mine.stream().mapToInt(log -> log.output() == null
                    ? 0
                    : log.output().path("items")
                        .asInt(0))
                    .sum();
                yield items == 0 ? "skipped: no items" : items == 1 ? "ran once" : "ran " + items + " times";
            }
            default -> steps.stream().anyMatch(s -> s.tried() != null && !s.tried().isEmpty()) ? "taken" : "not needed";
        };
    }

    private static Outcome outcome(String kind, Definition.Step step, StepLog log, JsonNode snapshot) {
        String item = log.iteration() == null || log.iteration().isEmpty() ? null : "Item " + item(log.iteration());
        JsonNode output = log.output();
        if (log.status().equals("failed")) {
            var words = StepErrors.of(log.error());
            return new Outcome("bad", item, words == null ? "Would fail" : "Would fail: " + words.headline(),
                List.of(), words == null ? null : words.detail(), null, null, null);
        }
        return switch (kind) {
            case "action" -> action(step instanceof Definition.Step.Action action ? action.action() : null, item,
                log);
            case "branch" -> {
                boolean held = output != null && output.path("result").asBoolean(false);
                String taken = output == null ? "none" : output.path("taken").asString("none");
                yield new Outcome(held ? "ok" : "warn", item, (held
                    ? "The condition holds"
                    : "The condition does not "
                        + "hold")
                    + (taken.equals("none")
                        ? ": nothing to do here"
                        : taken.equals("then")
                            ? ": takes “Then”"
                            : ": takes “Otherwise”"),
                    List.of(), null, null, null, null);
            }
            case "delay" -> {
                Instant until = output == null || !output.hasNonNull("until")
                    ? null
                    : Instant.parse(output.get("until").asString());
                yield until == null || log.status().equals("succeeded")
                    ? new Outcome("off", item, "No wait: that time has already passed", List.of(), null, null, null,
                        null)
                    : new Outcome("warn", item, "Would wait until", List.of(), null, null, null, until);
            }
            case "loop" -> {
                int items = output == null ? 0 : output.path("items").asInt(0);
                String note = output == null ? null : output.path("note").asString(null);
                String truncated = output != null && output.has("truncated_from")
                    ? " (of " + output.get("truncated_from").asInt() + "; the rest are left out)"
                    : "";
                yield new Outcome(items == 0 ? "off" : "ok", item, (items == 1 ? "1 item" : items + " items")
                    + truncated, List.of(), note, null, items(step, snapshot, items), null);
            }
            case "stop" -> Outcome.of("off", "The run would stop here");
            case "waitforevent" -> {
                if (log.status().equals("waiting")) {
                    Instant until = output == null || !output.hasNonNull("until")
                        ? null
                        : Instant.parse(output.get("until").asString());
                    yield new Outcome("warn", item, "Would wait for " + (output == null
                        ? "the event"
                        : output.path("event").asString("the event")) + " until", List.of(), null, null, null,
                        until);
                }
                yield Outcome.of("off", "Nothing arrives in a test: shown as if the time ran out");
            }
            default -> Outcome.of("ok", "Done");
        };
    }

    /** The items a loop over the trigger's data went through, as indented JSON; null for other lists. */
    private static String items(Definition.Step step, JsonNode snapshot, int count) {
        if (!(step instanceof Definition.Step.Loop loop) || !loop.over().startsWith("event.") || count == 0) {
            return null;
        }
        JsonNode list = Paths.get(snapshot, loop.over());
        if (list == null || !list.isArray()) {
            return null;
        }
        var shown = NODES.arrayNode();
        for (int i = 0; i < list.size() && i < count; i++) {
            shown.add(list.get(i));
        }
        return shown.toPrettyString();
    }

    /** What an action would do, from the params it was given after rendering (the preview's output). */
    private static Outcome action(String action, String item, StepLog log) {
        JsonNode shown = log.output() != null && log.output().isObject() ? log.output() : log.input();
        if (shown != null && shown.path("failure_code").asString("").equals("dry_run")) {
            // A retried charge in a test: said in words rather than as the JSON the run reads.
            var facts = shown.hasNonNull("invoice_id")
                ? List.of(new Fact("Invoice", shown.get("invoice_id").asString()))
                : List.<Fact>of();
            return new Outcome("warn", item, "Would charge the invoice now; shown declined, as a test charges nothing, "
                + "to follow what the automation does when the card fails again", facts, null, null, null, null);
        }
        String headline = switch (action == null ? "" : action) {
            case "send_email" -> "Would send this email";
            case "send_sms" -> "Would send this text message";
            case "send_webhook" -> "Would call this webhook";
            case "send_slack" -> "Would post this to Slack";
            default -> "Would run now (not performed in a test)";
        };
        return described("ok", headline, shown).withItem(item);
    }

    /**
     * An action's params (and what it answered) as an outcome: the {@link #FACTS} that are there as facts, a message's
     * text and HTML bodies, and the rest (or a webhook's payload) as JSON. Shared with a run's timeline.
     */
    static Outcome described(String tone, String headline, JsonNode shown) {
        var facts = new ArrayList<Fact>();
        String json = null;
        if (shown != null && shown.isObject()) {
            for (String name : FACTS) {
                JsonNode value = shown.get(name);
                if (value != null && value.isValueNode() && !value.isNull()) {
                    facts.add(new Fact(factLabel(name), name.equals("via") && value.asString().equals("dev_mailbox")
                        ? "the dev mailbox"
                        : value.asString()));
                }
            }
            var rest = shown.deepCopy();
            if (rest.isObject()) {
                var object = (tools.jackson.databind.node.ObjectNode) rest;
                FACTS.forEach(object::remove);
                BODIES.forEach(object::remove);
                if (shown.has("payload")) {
                    json = shown.get("payload").toPrettyString();
                } else if (!object.isEmpty()) {
                    json = object.toPrettyString();
                }
            }
        }
        String text = shown == null ? null : shown.path("text").asString(null);
        String html = shown == null ? null : shown.path("html").asString(null);
        return new Outcome(tone, null, headline, facts, text, html, json, null);
    }

    private static String factLabel(String name) {
        return switch (name) {
            case "to" -> "To";
            case "subject" -> "Subject";
            case "url" -> "URL";
            case "endpoint_id" -> "Endpoint";
            case "event_type" -> "Event type";
            case "tag" -> "Tag";
            case "title" -> "Title";
            case "invoice_id" -> "Invoice";
            case "customer_id" -> "Customer";
            case "reply_to" -> "Reply to";
            case "via" -> "Sent through";
            default -> name;
        };
    }

    /** A loop's iteration as people count, from 1: "0" → "1", "2.0" → "3.1". */
    private static String item(String iteration) {
        var parts = iteration.split("\\.");
        var counted = new ArrayList<String>();
        for (String part : parts) {
            counted.add(part.matches("[0-9]+") ? String.valueOf(Integer.parseInt(part) + 1) : part);
        }
        return String.join(".", counted);
    }

    private static void index(List<Definition.Step> steps, Map<String, Definition.Step> byId) {
        for (Definition.Step step : steps) {
            byId.put(step.id(), step);
            switch (step) {
                case Definition.Step.Action action -> index(action.fallback(), byId);
                case Definition.Step.Branch branch -> {
                    index(branch.then(), byId);
                    index(branch.otherwise(), byId);
                }
                case Definition.Step.Loop loop -> index(loop.steps(), byId);
                case Definition.Step.Delay delay -> {
                }
                case Definition.Step.Stop stop -> {
                }
                case Definition.Step.WaitForEvent wait -> {
                }
            }
        }
    }
}
