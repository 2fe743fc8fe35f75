package io.till.automation;

import io.till.event.EventWords;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * A definition as the "picture of its steps" the gallery and an automation's page draw: a vertical flow of chips,
 * trigger → conditions → steps, with a branch's then/else, a loop's body and an action's fallback as nested lanes.
 * Pure. Each chip names the Thymeleaf fragment that draws its kind ({@link #FRAGMENTS}, in
 * {@code templates/automation/flow.html}): a new step kind (the builder's, or wait_for_event) adds one entry there.
 */
final class StepFlow {

    /** The one place that says which fragment of {@code automation/flow.html} draws which kind of chip. */
    static final Map<String, String> FRAGMENTS = Map.ofEntries(Map.entry("trigger", "trigger"),
        Map.entry("conditions", "conditions"), Map.entry("limit", "limit"), Map.entry("cancel", "cancel"),
        Map.entry("action", "action"), Map.entry("branch", "branch"), Map.entry("delay", "delay"),
        Map.entry("loop", "loop"), Map.entry("stop", "stop"), Map.entry("waitforevent", "delay"));

    /**
     * One chip; {@code lanes} hold the steps nested under it. {@code tried} is what a test found the step would do
     * ({@link TestedFlow}): null when the flow is only a picture, empty for a step the test did not reach.
     */
    record Chip(String kind, String id, String title, String detail, List<Lane> lanes,
        List<TestedFlow.Outcome> tried) {

        Chip(String kind, String id, String title, String detail, List<Lane> lanes) {
            this(kind, id, title, detail, lanes, null);
        }

        public String fragment() {
            return FRAGMENTS.get(kind);
        }
    }

    /**
     * Steps nested under a chip: "Then", "Otherwise", "For each", "If it still fails". {@code note} is a test's word
     * on the lane ("taken", "skipped"), null otherwise.
     */
    record Lane(String label, List<Chip> steps, String note) {

        Lane(String label, List<Chip> steps) {
            this(label, steps, null);
        }
    }

    private StepFlow() {}

    /** The whole flow: the trigger (in words), the conditions if any, then the steps. */
    static List<Chip> of(Definition definition, String triggerSentence) {
        return of(definition, triggerSentence, UnaryOperator.identity());
    }

    /** {@link #of}, each condition's field in {@code fieldWords} ("Invoice · Attempt count" for a path). */
    static List<Chip> of(Definition definition, String triggerSentence, UnaryOperator<String> fieldWords) {
        var chips = new ArrayList<Chip>();
        chips.add(new Chip("trigger", null, triggerSentence, null, List.of()));
        if (definition.conditions() != null) {
            chips.add(new Chip("conditions", null, "Only if " + sentence(definition.conditions(), fieldWords), null,
                List.of()));
        }
        var often = new ArrayList<String>();
        if (definition.limit() != null && definition.limit().per() != null) {
            int runs = definition.limit().runs();
            often.add("At most " + runs + " run" + (runs == 1 ? "" : "s") + " per customer every "
                + TriggerSentence.duration(definition.limit().per()));
        }
        if (definition.concurrency() != null) {
            often.add((often.isEmpty() ? "O" : "o") + "ne at a time per " + definition.concurrency().replace('_',
                ' '));
        }
        if (!often.isEmpty()) {
            chips.add(new Chip("limit", null, String.join("; ", often), null, List.of()));
        }
        if (definition.cancelOn() != null && !definition.cancelOn().isEmpty()) {
            chips.add(new Chip("cancel", null, "A run stops when " + definition.cancelOn().stream()
                .map(c -> EventWords.of(c.event()) + (c.record() == null
                    ? ""
                    : " (same " + c.record().replace('_',
                        ' ') + ")"))
                .collect(java.util.stream.Collectors.joining(" or ")) + " happens to its customer", null,
                List.of()));
        }
        chips.addAll(steps(definition.steps(), fieldWords));
        return chips;
    }

    private static List<Chip> steps(List<Definition.Step> steps, UnaryOperator<String> fieldWords) {
        return steps.stream().map(step -> step(step, fieldWords)).toList();
    }

    private static Chip step(Definition.Step step, UnaryOperator<String> fieldWords) {
        return switch (step) {
            case Definition.Step.Action action -> new Chip("action", action.id(), words(action.action()),
                detail(action), action.fallback().isEmpty()
                    ? List.of()
                    : List.of(new Lane("If it still fails", steps(action.fallback(), fieldWords))));
            case Definition.Step.Branch branch -> {
                var lanes = new ArrayList<Lane>();
                lanes.add(new Lane("Then", steps(branch.then(), fieldWords)));
                if (!branch.otherwise().isEmpty()) {
                    lanes.add(new Lane("Otherwise", steps(branch.otherwise(), fieldWords)));
                }
                yield new Chip("branch", branch.id(), "If " + sentence(branch.condition(), fieldWords), null, lanes);
            }
            case Definition.Step.Delay delay -> new Chip("delay", delay.id(), delay.duration() != null
                ? "Wait " + TriggerSentence.duration(delay.duration())
                : "Wait until " + delay.until(), null, List.of());
            case Definition.Step.Loop loop -> new Chip("loop", loop.id(), "For each of " + loop.over()
                + " (at most " + loop.max() + ")", null,
                List.of(new Lane("Each time", steps(loop.steps(), fieldWords))));
            case Definition.Step.Stop stop -> new Chip("stop", stop.id(), "Stop", null, List.of());
            case Definition.Step.WaitForEvent wait -> new Chip("waitforevent", wait.id(), waitWords(wait.event(),
                wait.match(), wait.timeout()), null, List.of());
        };
    }

    /** "Wait up to 3 days for invoice.paid (same invoice)". */
    static String waitWords(String event, String match, java.time.Duration timeout) {
        return "Wait " + (timeout == null ? "" : "up to " + TriggerSentence.duration(timeout) + " ") + "for "
            + (event == null ? "an event" : event) + (match == null || match.equals(Definition.CancelOn.CUSTOMER)
                ? ""
                : " (same " + match.replace('_', ' ') + ")");
    }

    /** Actions whose name does not read well once its underscores are spaces. */
    private static final Map<String, String> ACTION_WORDS = Map.of("send_sms", "Send SMS", "send_slack",
        "Post to Slack", "send_webhook", "Call a webhook", "crm.add_tag", "Add a tag in the CRM", "crm.remove_tag",
        "Remove a tag in the CRM", "crm.start_automation", "Start a CRM automation", "crm.sync_contact",
        "Sync the contact to the CRM", "sync_to_crm", "Sync the contact to the CRM");

    /** "send_email" → "Send email"; "retry_payment" → "Retry payment". */
    static String words(String action) {
        if (action == null) {
            return "Action";
        }
        String spaced = ACTION_WORDS.getOrDefault(action, action.replace('_', ' ').replace('.', ' '));
        return spaced.substring(0, 1).toUpperCase(Locale.ROOT) + spaced.substring(1);
    }

    /** The param that says most about the call: an email's subject, a task's title, a tag, a URL, a text. */
    private static String detail(Definition.Step.Action action) {
        JsonNode params = action.params();
        if (params == null) {
            return null;
        }
        for (String name : List.of("subject", "title", "tag", "url", "text")) {
            JsonNode value = params.get(name);
            if (value != null && value.isString() && !value.asString().isBlank()) {
                return value.asString();
            }
        }
        return null;
    }

    /** A condition in words, without the brackets that only nesting needs. */
    static String sentence(Definition.Condition condition) {
        return sentence(condition, UnaryOperator.identity());
    }

    /** {@link #sentence(Definition.Condition)}, each field in {@code fieldWords}. */
    static String sentence(Definition.Condition condition, UnaryOperator<String> fieldWords) {
        String words = condition(condition, fieldWords);
        boolean bracketed = (condition instanceof Definition.Condition.All all && all.conditions().size() > 1)
            || (condition instanceof Definition.Condition.Any any && any.conditions().size() > 1);
        return bracketed ? words.substring(1, words.length() - 1) : words;
    }

    private static String condition(Definition.Condition condition, UnaryOperator<String> fieldWords) {
        return switch (condition) {
            case null -> "?";
            case Definition.Condition.All all -> group(all.conditions(), " and ", fieldWords);
            case Definition.Condition.Any any -> group(any.conditions(), " or ", fieldWords);
            case Definition.Condition.Not not -> "not (" + condition(not.condition(), fieldWords) + ")";
            case Definition.Condition.Compare compare -> (compare.field() == null
                ? "?"
                : fieldWords.apply(compare
                    .field()))
                + " " + operator(compare.op())
                + (compare.value() == null
                    ? ""
                    : " " + value(compare.value()) + statusWords(compare.field(),
                        compare.value()));
        };
    }

    private static String group(List<Definition.Condition> conditions, String joiner,
        UnaryOperator<String> fieldWords) {
        String joined = conditions.stream().map(c -> condition(c, fieldWords)).collect(Collectors.joining(joiner));
        return conditions.size() > 1 ? "(" + joined + ")" : joined;
    }

    private static String operator(Definition.Operator op) {
        return switch (op) {
            case null -> "?";
            case EQ -> "is";
            case NE -> "is not";
            case GT -> "is more than";
            case GTE -> "is at least";
            case LT -> "is less than";
            case LTE -> "is at most";
            case CONTAINS -> "contains";
            case NOT_CONTAINS -> "does not contain";
            case STARTS_WITH -> "starts with";
            case IN -> "is one of";
            case NOT_IN -> "is none of";
            case EXISTS -> "is present";
            case NOT_EXISTS -> "is absent";
        };
    }

    /**
     * What the billing pages call a status the API names otherwise: an invoice the API calls issued is "open" (not
     * yet paid, void or uncollectible) on every page, so a condition on it says so beside the value it compares.
     */
    private static String statusWords(String field, JsonNode value) {
        boolean invoiceStatus = field != null && (field.equals("invoice.status") || field.endsWith(".invoice.status"));
        return invoiceStatus && value.isString() && value.asString().equals("issued") ? " (open)" : "";
    }

    private static String value(JsonNode value) {
        if (value.isArray()) {
            var items = new ArrayList<String>();
            value.forEach(item -> items.add(value(item)));
            return String.join(", ", items);
        }
        return value.isString() ? "“" + value.asString() + "”" : value.toString();
    }
}
