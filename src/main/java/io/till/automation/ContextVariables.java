package io.till.automation;

import io.till.event.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The variables a trigger's context really holds (PRODUCT.md §4, {@link ExecutionContexts}), grouped for the builder's
 * field and {@code {{…}}} pickers: the customer, the portal links and the account; the event envelope; and the records
 * the event carries in its data ({@link EventType#carries}; docs/events/*.json, a test keeps them agreeing), those
 * carried only sometimes saying so, with the {@code _formatted} twin the
 * context adds beside each amount and each moment. Every path offered passes the save check, so a picker never
 * proposes what a save would refuse.
 */
public final class ContextVariables {

    /** A group of the picker ("Invoice"), its variables in the order a seller looks for them. */
    public record Group(String label, List<Variable> variables) {}

    /** A path into the context ({@code invoice.amount_due_formatted}) and how a seller reads it. */
    public record Variable(String path, String label) {}

    /** How a group the event carries only sometimes is labelled in the picker, after the record's name. */
    private static final String SOMETIMES = " (when the event has one)";

    /** Till's events about no customer: their runs have none, nor a card to update. */
    static final Set<String> ABOUT_NO_CUSTOMER = Set.of("webhook_endpoint.delivery_exhausted");

    /**
     * The fields of the objects an event carries that the context does not read fresh (those of
     * {@link RecordFields#FRESH} come from their records), as the API writes them.
     */
    static final Map<String, List<String>> CARRIED_FIELDS = Map.ofEntries(
        Map.entry("checkout", List.of("id", "name", "product_id", "addons", "upsells", "active", "created_at")),
        Map.entry("product", List.of("id", "name", "description", "subscription_group_id", "options",
            "retired_options", "one_trial_per_customer", "created_at")),
        Map.entry("option", List.of("id", "name", "kind", "amount", "currency", "interval", "interval_count",
            "trial_days", "cycles", "installments", "display", "product_id", "retired_at")),
        Map.entry("upsell", List.of("id", "name", "option_id")),
        Map.entry("addon", List.of("id", "name", "amount", "currency")),
        Map.entry("promo_code", List.of("id", "code", "amount_off", "percent_off", "currency", "times_redeemed",
            "max_redemptions", "expires_at", "created_at")),
        Map.entry("refund", List.of("id", "amount", "currency", "reason", "status", "payment_id", "customer_id",
            "created_at")),
        Map.entry("credits", List.of("amount", "currency")),
        Map.entry("usage", List.of("meter", "total", "threshold", "thresholds", "period_start")),
        Map.entry("webhook_endpoint", List.of("id", "url", "description", "event_types", "status", "failing_since",
            "created_at", "updated_at")),
        Map.entry("webhook_delivery", List.of("id", "event_type", "status", "attempt_count", "last_response_status",
            "last_error", "url", "endpoint_id", "event_id", "webhook_id", "next_attempt_at", "created_at",
            "updated_at")));

    /** Values (not objects) some events carry in their data, read as {@code event.data.<name>}. */
    static final Map<String, List<String>> CARRIED_VALUES = Map.of(
        "subscription.renewal_upcoming", List.of("days_before", "renews_at", "announced_late"),
        "subscription.trial_ending", List.of("days_before", "announced_late"), "subscription.ending_soon",
        List.of("days_before"),
        "payment_plan.payment_upcoming", List.of("days_before", "due_at"),
        "card.expiring", List.of("days_before", "announced_late"),
        "customer.marketing_consent_changed", List.of("marketing_consent"),
        "subscription.resumed", List.of("resumed_from"),
        "customer.updated", List.of("previous_attributes.email", "previous_attributes.name",
            "previous_attributes.phone", "previous_attributes.tags", "previous_attributes.marketing_consent"));

    private static final List<String> CUSTOMER = List.of("first_name", "last_name", "name", "email", "phone", "tags",
        "marketing_consent", "id", "created_at", "updated_at", "stats.order_count", "stats.active_subscriptions",
        "stats.paused_subscriptions", "stats.active_payment_plans", "stats.missed_payments", "default_card.brand",
        "default_card.last4",
        "default_card.exp_month", "default_card.exp_year");

    private static final Map<String, String> GROUPS = Map.ofEntries(Map.entry("customer", "Customer"),
        Map.entry("portal", "Customer portal"), Map.entry("account", "Your account"), Map.entry("event", "The event"),
        Map.entry("payment_plan", "Payment plan"), Map.entry("promo_code", "Promo code"));

    /** Words a field name does not say by itself. */
    private static final Map<String, String> WORDS = Map.ofEntries(Map.entry("id", "ID"),
        Map.entry("last4", "Last 4 digits"), Map.entry("exp_month", "Expiry month"),
        Map.entry("exp_year", "Expiry year"), Map.entry("portal.url", "Portal link"), Map.entry("url", "URL"),
        Map.entry("card_update_url", "Card update link (single use)"), Map.entry("mode", "Mode (live or sandbox)"),
        Map.entry("data", "Data sent with it"), Map.entry("data.scheduled_at", "When it was due"),
        Map.entry("amount_off", "Amount off"), Map.entry("percent_off", "Percent off"),
        Map.entry("card.in_use", "Pays a subscription or plan"),
        Map.entry("order.customer_order_number", "Which of the customer's orders (1 = their first)"));

    private ContextVariables() {}

    /**
     * What the context of a run started by this trigger ({@code {"type": "event", "event": …}}, {@code schedule} or
     * {@code manual}) holds; nothing but the account for a trigger that cannot be read yet.
     */
    public static List<Group> of(JsonNode trigger) {
        String type = trigger == null ? "" : trigger.path("type").asString("");
        var groups = new ArrayList<Group>();
        switch (type) {
            case "event" -> {
                String event = trigger.path("event").asString("");
                EventType.of(event).ifPresent(raised -> ContextRoots.of(raised).stream()
                    // previous_attributes and caused_by are offered as the event's data, if at all.
                    .filter(root -> !fieldsOf(root).isEmpty())
                    .forEach(root -> groups.add(raised.carriesSometimes(root)
                        ? group(root, fieldsOf(root), SOMETIMES)
                        : group(root, fieldsOf(root)))));
                if (!ABOUT_NO_CUSTOMER.contains(event)) {
                    groups.add(customer());
                }
                var envelope = new ArrayList<>(List.of("type", "id", "occurred_at", "customer_id"));
                CARRIED_VALUES.getOrDefault(event, List.of()).forEach(value -> envelope.add("data." + value));
                if (EventType.of(event).isEmpty()) {
                    // A custom event's data is whatever its sender posts.
                    envelope.add("data");
                }
                groups.add(group("event", envelope));
            }
            case "manual" -> {
                groups.add(customer());
                groups.add(group("event", List.of("data")));
            }
            // A scheduled run is about nobody: no customer, no record.
            case "schedule" -> groups.add(group("event", List.of("data.scheduled_at")));
            default -> {
            }
        }
        if (!type.isEmpty()) {
            // Without a customer there is no card to update, so a run about nobody offers the portal's sign-in link
            // only.
            boolean nobody = type.equals("schedule") || ABOUT_NO_CUSTOMER.contains(trigger.path("event").asString(""));
            groups.add(group("portal", nobody ? List.of("url") : List.of("url", "card_update_url")));
        }
        groups.add(group("account", List.of("name", "id", "mode")));
        return groups;
    }

    /** How a seller reads each path offered for this trigger: "Invoice · Amount due", as the builder's picker. */
    static Map<String, String> labels(JsonNode trigger) {
        var labels = new java.util.LinkedHashMap<String, String>();
        // In a sentence the record is named without the picker's "(when the event has one)".
        of(trigger).forEach(group -> group.variables().forEach(variable -> labels.putIfAbsent(variable.path(), group
            .label().replace(SOMETIMES, "") + " · " + variable.label())));
        return labels;
    }

    /**
     * A condition's field in words for this trigger ({@link #labels}); a path into the event's data that names a
     * record the context also holds ({@code event.data.invoice.attempt_count}) reads as that record's field; any other
     * path (a custom event's data, a step's output) stays as written.
     */
    static java.util.function.UnaryOperator<String> fieldWords(JsonNode trigger) {
        var labels = labels(trigger);
        return path -> {
            String words = labels.get(path);
            if (words == null && path.startsWith("event.data.")) {
                words = labels.get(path.substring("event.data.".length()));
            }
            var output = STEP_OUTPUT.matcher(path);
            if (words == null && output.matches()) {
                words = "Step “" + output.group(1) + "” · " + label(output.group(2));
            }
            return words == null ? path : words;
        };
    }

    /** A step's output, {@code steps.<id>.output.<field>}. */
    private static final java.util.regex.Pattern STEP_OUTPUT = java.util.regex.Pattern.compile(
        "steps\\.([^.]+)\\.output\\.(.+)");

    /** Every path offered for this trigger, in picker order. */
    static List<String> paths(JsonNode trigger) {
        return of(trigger).stream().flatMap(group -> group.variables().stream()).map(Variable::path).toList();
    }

    private static Group customer() {
        return group("customer", CUSTOMER);
    }

    /** A record's fields, each amount (of a record with a currency) and each moment followed by its formatted twin. */
    private static List<String> fieldsOf(String root) {
        List<String> fields = RecordFields.FRESH.containsKey(root)
            ? RecordFields.ordered(root)
            : CARRIED_FIELDS.getOrDefault(root, List.of());
        boolean priced = fields.contains("currency");
        var withTwins = new ArrayList<String>();
        for (String field : fields) {
            withTwins.add(field);
            if ((priced && ExecutionContexts.MONEY.contains(field)) || RecordFields.MOMENTS.contains(field)) {
                withTwins.add(field + "_formatted");
            }
        }
        return withTwins;
    }

    private static Group group(String root, List<String> fields) {
        return group(root, fields, "");
    }

    private static Group group(String root, List<String> fields, String when) {
        String label = GROUPS.getOrDefault(root, sentence(root)) + when;
        return new Group(label, fields.stream()
            .map(field -> new Variable(root + "." + field, WORDS.getOrDefault(root + "." + field, label(field))))
            .toList());
    }

    /** {@code amount_due_formatted} → "Amount due (formatted)", {@code stats.order_count} → "Stats: order count". */
    static String label(String field) {
        String known = WORDS.get(field);
        if (known != null) {
            return known;
        }
        if (field.endsWith("_formatted")) {
            return label(field.substring(0, field.length() - "_formatted".length())) + " (formatted)";
        }
        int dot = field.lastIndexOf('.');
        if (dot > 0) {
            String member = label(field.substring(dot + 1));
            boolean word = member.length() > 1 && Character.isLowerCase(member.charAt(1));
            return label(field.substring(0, dot)) + ": " + (word
                ? member.substring(0, 1).toLowerCase(Locale.ROOT) + member.substring(1)
                : member);
        }
        return sentence(field.endsWith("_id") ? field.substring(0, field.length() - 3) + " ID" : field);
    }

    private static String sentence(String name) {
        String words = name.replace('_', ' ');
        return words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
    }
}
