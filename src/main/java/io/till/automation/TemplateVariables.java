package io.till.automation;

import io.till.automation.engine.Templates;
import io.till.shared.FieldError;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The save-time check of the templates in a step's params: each is read as rendering reads it, every tag must be a
 * data path, and every path must be one the trigger's context can hold
 * ({@code steps[0].params.body: {{customer.name.bytes}} is not a variable of this trigger}).
 */
final class TemplateVariables {

    /** What a field of a known root holds: a value ends the path, a list goes on by index, an object is open. */
    private enum Shape {
        VALUE,
        LIST,
        OBJECT
    }

    private static final Map<String, Map<String, Shape>> KNOWN_ROOTS = Map.of(
        "customer", Map.ofEntries(Map.entry("id", Shape.VALUE), Map.entry("name", Shape.VALUE),
            Map.entry("first_name", Shape.VALUE), Map.entry("last_name", Shape.VALUE), Map.entry("email", Shape.VALUE),
            Map.entry("phone", Shape.VALUE), Map.entry("tags", Shape.LIST), Map.entry("metadata", Shape.OBJECT),
            Map.entry("marketing_consent", Shape.VALUE), Map.entry("default_card", Shape.OBJECT),
            Map.entry("stats", Shape.OBJECT),
            Map.entry("created_at", Shape.VALUE), Map.entry("updated_at", Shape.VALUE)),
        "portal", Map.of("url", Shape.VALUE, "card_update_url", Shape.VALUE),
        "account", Map.of("id", Shape.VALUE, "name", Shape.VALUE, "mode", Shape.VALUE));
    /**
     * The objects events carry under data (docs/EVENTS.md), read fresh when a step runs; their fields are open. No
     * {@code execution}: no context holds one, so a template naming it failed every run it passed the save of.
     */
    private static final Set<String> OPEN_ROOTS = Set.of("event", "invoice", "subscription", "payment", "order",
        "payment_plan", "card", "checkout", "upsell", "addon", "option", "product", "promo_code", "refund", "usage",
        "credits", "webhook_endpoint", "webhook_delivery");
    /** The current item of the innermost loop and where it stands ({@code Walk.scope}): only inside a loop's steps. */
    private static final Set<String> LOOP_ROOTS = Set.of("item", "loop");

    private TemplateVariables() {}

    /** Adds an error for every template problem in {@code node}, at its path; {@code inLoop}: a loop's step's. */
    static void check(JsonNode node, String path, Set<String> actionIdsSoFar, CarriedObjects carried, boolean inLoop,
        List<FieldError> errors) {
        if (node.isObject()) {
            for (var entry : node.properties()) {
                check(entry.getValue(), path + "." + entry.getKey(), actionIdsSoFar, carried, inLoop, errors);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), path + "[" + i + "]", actionIdsSoFar, carried, inLoop, errors);
            }
        } else if (node.isString() && node.asString().contains("{{")) {
            var unescaped = path.endsWith(".html")
                ? Templates.unescapedTag(node.asString())
                : Optional.<Templates.UnescapedTag>empty();
            // What a buyer typed (a name, a note) would become the email's HTML: links, hidden text.
            unescaped.ifPresent(tag -> errors.add(new FieldError(path, "unescaped_html", tag.tag() + " places "
                + tag.name() + " into the HTML unescaped, where text a buyer typed could add links or hide words: "
                + "write {{" + tag.name() + "}}, which escapes it")));
            var reading = Templates.read(node.asString());
            reading.refusals().forEach(refusal -> errors.add(new FieldError(path, "unknown_variable", refusal)));
            var problems = new java.util.LinkedHashSet<String>();
            reading.paths().stream().distinct().map(name -> problem(name, actionIdsSoFar, carried, inLoop))
                .filter(problem -> problem != null)
                .forEach(problems::add);
            // One problem a name: a step output that is no variable here is said as such, not as a group too.
            reading.printed().stream().distinct()
                .filter(name -> problem(name, actionIdsSoFar, carried, inLoop) == null)
                .map(TemplateVariables::notPrintable)
                .filter(problem -> problem != null)
                .forEach(problems::add);
            problems.forEach(problem -> errors.add(new FieldError(path, "unknown_variable", problem)));
        }
    }

    /** What prints a group of values instead of a value, with the field to name instead. */
    private static final Map<String, String> GROUPS = Map.of(
        "customer.stats", "{{customer.stats.order_count}}",
        "customer.metadata", "{{customer.metadata.<key>}}",
        "customer.default_card", "{{customer.default_card.last4}}",
        "customer.stats.lifetime_value", "{{customer.stats.lifetime_value.0.amount}} (in minor units, one amount per "
            + "currency) with {{customer.stats.lifetime_value.0.currency}}",
        "customer.stats.disputed", "{{customer.stats.disputed.0.amount}} with {{customer.stats.disputed.0.currency}}",
        "event.data", "{{event.data.<field>}}");

    /** The customer's stats a template may name. */
    private static final Set<String> STATS = Set.of("order_count", "lifetime_value", "active_subscriptions",
        "active_payment_plans", "missed_payments", "paused_subscriptions", "disputed");

    /**
     * Why printing {@code name} would put a whole record, or a group of values, into the message (a probe's {@code
     * {{customer}}} rendered as {@code {id=cus_…, name=…}}); null when it names a value, or one only running can tell.
     */
    static String notPrintable(String name) {
        String[] parts = name.split("\\.");
        if (parts.length == 1 && (KNOWN_ROOTS.containsKey(name) || OPEN_ROOTS.contains(name)
            || name.equals("loop"))) {
            return "{{" + name + "}} is a whole record: print one of its fields, such as {{" + name + "."
                + (name.equals("event") ? "type" : "id") + "}}";
        }
        if (parts.length == 3 && parts[0].equals("steps") && parts[2].equals("output")) {
            return "{{" + name + "}} is everything step " + parts[1] + " returned: print one of its fields, such as "
                + "{{steps." + parts[1] + ".output.<field>}} (the run's log shows what it returns)";
        }
        String instead = GROUPS.get(name);
        return instead == null ? null : "{{" + name + "}} is a group of values: print one of them, such as " + instead;
    }

    /** Whether {@code field} of {@code root} is a known field of the customer, the portal or the account. */
    static boolean isKnownField(String root, String field) {
        return KNOWN_ROOTS.containsKey(root) && KNOWN_ROOTS.get(root).containsKey(field);
    }

    /** Why {@code name} is never in the context of the step, null when it may be; {@code inLoop}: a loop's step. */
    static String problem(String name, Set<String> actionIdsSoFar, CarriedObjects carried, boolean inLoop) {
        String[] parts = name.split("\\.");
        String root = parts[0];
        String notOfThisTrigger = "{{" + name + "}} is not a variable of this trigger";
        if (LOOP_ROOTS.contains(root)) {
            return inLoop
                ? null
                : "{{" + name + "}} is not a variable here: " + root + " is the current item of a loop, which only "
                    + "the loop's steps have";
        }
        String absent = CarriedObjects.absent(carried, name);
        if (absent != null) {
            return notOfThisTrigger + ": " + absent;
        }
        if (root.equals("steps")) {
            if (parts.length < 3 || !parts[2].equals("output")) {
                return notOfThisTrigger + ": write steps.<step id>.output…";
            }
            return actionIdsSoFar.contains(parts[1])
                ? null
                : notOfThisTrigger + ": no action step " + parts[1] + " runs before this one on every path to it";
        }
        Set<String> recordFields = RecordFields.of(root);
        if (recordFields != null && parts.length > 1 && !recordFields.contains(parts[1])
            && !SaveChecks.isFormattedTwin(parts[1], recordFields)) {
            // A record read fresh has the API's fields: {{order.amount_formatted}} would render nothing.
            return notOfThisTrigger + ": " + root + " has no field " + parts[1];
        }
        if (OPEN_ROOTS.contains(root)) {
            return null;
        }
        Map<String, Shape> fields = KNOWN_ROOTS.get(root);
        if (fields == null) {
            return notOfThisTrigger;
        }
        if (parts.length == 1) {
            return null;
        }
        if (root.equals("customer") && parts.length > 2 && parts[1].equals("stats") && !STATS.contains(parts[2])) {
            return notOfThisTrigger + ": customer.stats has " + String.join(", ", new java.util.TreeSet<>(STATS));
        }
        Shape shape = fields.get(parts[1]);
        boolean fits = shape != null && switch (shape) {
            case VALUE -> parts.length == 2;
            case LIST -> parts.length == 2 || (parts.length == 3 && parts[2].matches("[0-9]+"));
            case OBJECT -> true;
        };
        return fits ? null : notOfThisTrigger;
    }
}
