package io.till.automation;

import io.till.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The data of a made-up event of one type, for the Test tab when there is no real event to test on: every object the
 * event carries, with each field the API writes, filled with plausible values for that event (for payment.failed a
 * $19.00 invoice in its first attempt, still open, a declined Visa payment, a subscription past due; for invoice.paid
 * the invoice paid; for card.expired a card that ran out last month). An automation tested on it takes the path a typical event would
 * take (the dunning template sends its first email) instead of stopping at a condition on a field an empty sample
 * lacks; and a made-up customer to send to. Ids end in {@code _sample}: no record has them, so the run reads these
 * values, not the store's.
 */
final class SampleEvents {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The short prefix of each record's ids. */
    private static final Map<String, String> PREFIXES = Map.ofEntries(Map.entry("invoice", "inv"),
        Map.entry("payment", "pay"), Map.entry("subscription", "sub"), Map.entry("order", "ord"),
        Map.entry("payment_plan", "plan"), Map.entry("card", "card"), Map.entry("product", "prod"),
        Map.entry("option", "opt"), Map.entry("checkout", "chk"), Map.entry("refund", "re"),
        Map.entry("promo_code", "promo"), Map.entry("addon", "addon"), Map.entry("upsell", "ups"));

    /** The events of a payment that did not go through: their payment failed, their invoice is still open. */
    private static final java.util.Set<String> FAILURES = java.util.Set.of("payment.failed",
        "subscription.payment_failed", "payment_plan.payment_failed", "subscription.past_due", "subscription.unpaid",
        "payment_plan.unpaid", "invoice.overdue", "credits.depleted");

    private SampleEvents() {}

    /** The sample data of an event of {@code type}; an empty object for a type Till does not raise (a custom one). */
    static ObjectNode data(String type, Instant now) {
        ObjectNode data = NODES.objectNode();
        var raised = EventType.of(type);
        if (raised.isEmpty()) {
            return data;
        }
        boolean optionalTaken = false;
        for (String root : ContextRoots.of(raised.get())) {
            List<String> fields = RecordFields.FRESH.containsKey(root)
                ? RecordFields.ordered(root)
                : ContextVariables.CARRIED_FIELDS.getOrDefault(root, List.of());
            if (fields.isEmpty()) {
                continue;
            }
            // Objects carried only sometimes are one path or another (a payment's invoice, or its order): the
            // sample takes the first, as one real event would carry one.
            if (raised.get().carriesSometimes(root)) {
                if (optionalTaken) {
                    continue;
                }
                optionalTaken = true;
            }
            ObjectNode object = data.putObject(root);
            for (String field : fields) {
                put(object, type, root, field, now);
                // What it points at among the objects the event carries, and its customer, by their sample ids.
                String pointsAt = field.endsWith("_id") ? field.substring(0, field.length() - 3) : null;
                if (pointsAt != null
                    && (pointsAt.equals("customer") || ContextRoots.of(raised.get()).contains(pointsAt))) {
                    object.put(field, PREFIXES.getOrDefault(pointsAt, pointsAt.equals("customer") ? "cus" : pointsAt)
                        + "_sample");
                }
            }
        }
        if (!ContextVariables.ABOUT_NO_CUSTOMER.contains(type)) {
            // Whom it is about, as a picked customer's record would be: the emails and texts it sends have a
            // recipient and a name to greet.
            ObjectNode customer = data.putObject("customer").put("id", "cus_sample").put("name", "Ada Lovelace")
                .put("first_name", "Ada").put("last_name", "Lovelace").put("email", "ada@example.com")
                .put("phone", "+14155550100").put("marketing_consent", true);
            customer.putArray("tags");
            customer.putObject("stats").put("order_count", 1).put("active_subscriptions", 1)
                .put("paused_subscriptions", 0).put("active_payment_plans", 0).put("missed_payments", 1);
        }
        for (String value : ContextVariables.CARRIED_VALUES.getOrDefault(type, List.of())) {
            if (!value.contains(".")) {
                put(data, type, "event", value, now);
            }
        }
        return data;
    }

    /** The status {@code root} has in an event of {@code type}: a failed payment's invoice is open, a paid one paid. */
    static String status(String type, String root) {
        boolean failed = FAILURES.contains(type);
        return switch (root) {
            case "payment" -> type.endsWith("refunded")
                ? "refunded"
                : type.equals("payment.disputed") ? "disputed" : failed ? "failed" : "succeeded";
            case "invoice" -> type.equals("invoice.voided")
                ? "void"
                : failed || type.equals("invoice.issued") ? "issued" : "paid";
            case "subscription" -> switch (type) {
                case "subscription.canceling" -> "canceling";
                case "subscription.canceled" -> "canceled";
                case "subscription.paused" -> "paused";
                case "subscription.trial_ending" -> "trialing";
                case "subscription.unpaid" -> "unpaid";
                default -> failed ? "past_due" : "active";
            };
            case "payment_plan" -> switch (type) {
                case "payment_plan.completed" -> "completed";
                case "payment_plan.unpaid" -> "unpaid";
                default -> "active";
            };
            case "order" -> "paid";
            case "refund" -> "succeeded";
            default -> "active";
        };
    }

    private static void put(ObjectNode object, String type, String root, String field, Instant now) {
        Class<?> javaType = RecordFields.type(root, field);
        String status = status(type, root);
        var today = now.atZone(ZoneOffset.UTC);
        switch (field) {
            case "id" -> object.put(field, PREFIXES.getOrDefault(root, root) + "_sample");
            case "status" -> object.put(field, status);
            case "currency" -> object.put(field, "usd");
            case "amount", "amount_due", "total", "subtotal", "installment_amount" -> object.put(field, 1900);
            case "attempt_count", "number", "customer_order_number", "sequence", "interval_count",
                "installments_paid" -> object.put(field, 1);
            case "installments" -> object.put(field, 3);
            case "interval" -> object.put(field, "month");
            case "kind" -> object.put(field, root.equals("option") ? "subscription" : "option");
            case "name" -> object.put(field, root.equals("option") ? "Monthly" : "Membership");
            case "brand" -> object.put(field, "visa");
            case "last4" -> object.put(field, "4242");
            // An expiring card runs out at the end of this month, an expired one did last month.
            case "exp_month" -> object.put(field, switch (type) {
                case "card.expiring" -> today.getMonthValue();
                case "card.expired" -> today.minusMonths(1).getMonthValue();
                default -> 12;
            });
            case "exp_year" -> object.put(field, switch (type) {
                case "card.expiring" -> today.getYear();
                case "card.expired" -> today.minusMonths(1).getYear();
                default -> today.getYear() + 2;
            });
            case "failure_code" -> object.put(field, status.equals("failed") ? "card_declined" : null);
            case "failure_message" -> object.put(field, status.equals("failed") ? "Your card was declined." : null);
            case "paid_at" -> object.put(field, status.equals("paid") ? now.toString() : null);
            case "days_before" -> object.put(field, 7);
            case "announced_late" -> object.put(field, false);
            case "marketing_consent" -> object.put(field, true);
            case "resumed_from" -> object.put(field, "paused");
            case "current_period_end", "next_bill_at", "renews_at" -> object.put(field, now.plus(Duration.ofDays(7))
                .toString());
            // An invoice was due when its payment failed; a plan's installment announced ahead is due in a week.
            case "due_at" -> object.put(field, (root.equals("event") ? now.plus(Duration.ofDays(7)) : now).toString());
            default -> {
                if (javaType == Instant.class || field.endsWith("_at")) {
                    object.put(field, field.equals("created_at") || field.equals("current_period_start")
                        ? now.minus(Duration.ofDays(23)).toString()
                        : null);
                } else if (javaType == long.class || javaType == int.class || javaType == Long.class
                    || javaType == Integer.class) {
                    object.put(field, 0);
                } else if (javaType == boolean.class || javaType == Boolean.class) {
                    object.put(field, false);
                } else if (javaType != null && List.class.isAssignableFrom(javaType)) {
                    object.putArray(field);
                } else {
                    object.putNull(field);
                }
            }
        }
    }
}
