package io.till.event;

import io.till.shared.Amounts;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What an event says to the seller's staff, where a page lists what happened (a customer's timeline): "Payment failed",
 * with what it was about ("$19.00 · Your card was declined."), rather than its type. A custom event is its own type.
 */
public final class EventWords {

    private EventWords() {}

    private static final Map<String, String> SAID = Map.ofEntries(
        Map.entry("checkout.purchased", "Bought through a checkout"),
        Map.entry("checkout.upsell_purchased", "Took an upsell of the checkout"),
        Map.entry("checkout.flow_completed", "Finished the checkout's offers"),
        Map.entry("upsell.purchased", "Bought an upsell"),
        Map.entry("addon.purchased", "Bought an addon"),
        Map.entry("option.selected", "Chose an option"),
        Map.entry("promo_code.applied", "Used a promo code"),
        Map.entry("product.purchased", "Bought a product"),
        Map.entry("order.created", "Order created"),
        Map.entry("payment.succeeded", "Payment succeeded"),
        Map.entry("payment.failed", "Payment failed"),
        Map.entry("payment.refunded", "Payment refunded"),
        Map.entry("payment.disputed", "Payment disputed"),
        Map.entry("subscription.payment_succeeded", "Subscription paid"),
        Map.entry("subscription.payment_failed", "Subscription payment failed"),
        Map.entry("subscription.payment_refunded", "Subscription payment refunded"),
        Map.entry("payment_plan.payment_succeeded", "Installment paid"),
        Map.entry("payment_plan.payment_failed", "Installment payment failed"),
        Map.entry("payment_plan.payment_refunded", "Installment refunded"),
        Map.entry("card.expiring", "Card expiring soon"),
        Map.entry("card.expired", "Card expired"),
        Map.entry("card.updated", "Card added or changed"),
        Map.entry("subscription.started", "Subscription started"),
        Map.entry("subscription.activated", "Subscription active again"),
        Map.entry("subscription.renewal_upcoming", "Renewal coming up"),
        Map.entry("subscription.trial_ending", "Trial ending soon"),
        Map.entry("subscription.ending_soon", "Subscription ending soon"),
        Map.entry("subscription.past_due", "Subscription past due"),
        Map.entry("subscription.unpaid", "Subscription unpaid"),
        Map.entry("subscription.canceling", "Subscription set to cancel"),
        Map.entry("subscription.canceled", "Subscription canceled"),
        Map.entry("subscription.paused", "Subscription paused"),
        Map.entry("subscription.resumed", "Subscription resumed"),
        Map.entry("payment_plan.payment_upcoming", "Installment coming up"),
        Map.entry("payment_plan.completed", "Payment plan completed"),
        Map.entry("payment_plan.unpaid", "Payment plan unpaid"),
        Map.entry("invoice.issued", "Invoice issued"),
        Map.entry("invoice.paid", "Invoice paid"),
        Map.entry("invoice.overdue", "Invoice overdue"),
        Map.entry("invoice.voided", "Invoice voided"),
        Map.entry("customer.created", "Customer created"),
        Map.entry("customer.updated", "Customer details changed"),
        Map.entry("customer.marketing_consent_changed", "Marketing consent changed"),
        Map.entry("customer.redacted", "Personal data erased"),
        Map.entry("credits.depleted", "Credits used up"),
        Map.entry("usage.threshold_exceeded", "Usage threshold reached"),
        Map.entry("webhook_endpoint.delivery_exhausted", "Webhook deliveries gave up"));

    /** The event in words: "Payment failed"; a custom event's type as it is. */
    public static String of(String type) {
        return SAID.getOrDefault(type, type);
    }

    /** Whether {@link #of} has words for the type (every type Till raises has). */
    static boolean hasWords(String type) {
        return SAID.containsKey(type);
    }

    /**
     * What the event was about, in a few words from its data: the amount of a payment, refund, order or invoice (and
     * why a payment failed), the product bought, the card; null when its data tells nothing worth a line.
     */
    public static String about(String type, JsonNode data) {
        if (data == null || type == null) {
            return null;
        }
        if (type.equals("payment.refunded") || type.endsWith(".payment_refunded")) {
            return amount(data.path("refund"), "amount");
        }
        if (type.startsWith("payment.") || type.endsWith(".payment_succeeded") || type.endsWith(
            ".payment_failed")) {
            String amount = amount(data.path("payment"), "amount");
            String why = text(data.path("payment").path("failure_message"));
            return why == null || !type.endsWith("failed") ? amount : join(amount, why);
        }
        if (type.equals("order.created")) {
            return amount(data.path("order"), "total");
        }
        if (type.equals("product.purchased")) {
            return join(text(data.path("product").path("name")), text(data.path("option").path("name")));
        }
        if (type.startsWith("invoice.")) {
            return amount(data.path("invoice"), "amount_due");
        }
        if (type.equals("subscription.canceling") || type.equals("subscription.canceled")) {
            return cancellation(data.path("subscription"));
        }
        if (type.startsWith("card.")) {
            String brand = text(data.path("card").path("brand"));
            String last4 = text(data.path("card").path("last4"));
            String card = brand == null || last4 == null
                ? null
                : brand.substring(0, 1).toUpperCase(Locale.ROOT) + brand.substring(1) + " ending in " + last4;
            // A card saved, and the same card then chosen for a subscription, are two events: told apart.
            String pays = data.path("subscription").isObject()
                ? "now pays a subscription"
                : data.path("payment_plan").isObject() ? "now pays a payment plan" : null;
            return type.equals("card.updated") ? join(card, pays) : card;
        }
        return null;
    }

    /**
     * Who canceled and why, as the subscription keeps it: "by the customer · It costs too much · “Back in spring”".
     * That is the seller's churn feedback, which the record's timeline shows rather than only the event's JSON.
     */
    private static String cancellation(JsonNode subscription) {
        String by = switch (subscription.path("canceled_by").asString("")) {
            case "customer" -> "by the customer";
            case "staff" -> text(subscription.path("canceled_by_who")) == null
                ? "by staff"
                : "by " + text(subscription.path("canceled_by_who"));
            default -> null;
        };
        String note = text(subscription.path("cancel_reason_text"));
        return join(join(by, text(subscription.path("cancel_reason"))), note == null ? null : "“" + note + "”");
    }

    private static String amount(JsonNode of, String field) {
        JsonNode minor = of.path(field);
        String currency = text(of.path("currency"));
        return minor.isIntegralNumber() && currency != null ? Amounts.format(minor.asLong(), currency) : null;
    }

    private static String text(JsonNode node) {
        return node.isString() && !node.asString().isBlank() ? node.asString() : null;
    }

    private static String join(String first, String second) {
        if (first == null) {
            return second;
        }
        return second == null ? first : first + " · " + second;
    }
}
