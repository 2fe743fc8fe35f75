package io.till.automation;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;

/**
 * What starts an automation, in words a seller reads at a glance ("When a payment fails for a subscription in Pro
 * plans"). Pure: the names of scoped objects (checkouts, products, groups…) are handed in by id, read by the caller
 * from the account; an id without a name is shown as the id, so a deleted object still reads.
 */
final class TriggerSentence {

    /** Each of Till's own events (PRODUCT.md §3) as the end of "When …"; a test keeps this equal to EventType. */
    static final Map<String, String> EVENTS = Map.ofEntries(Map.entry("checkout.purchased",
        "someone buys through a checkout"),
        Map.entry("checkout.upsell_purchased", "someone takes an upsell at checkout"),
        Map.entry("checkout.flow_completed", "a checkout flow is completed"),
        Map.entry("upsell.purchased", "an upsell is bought"), Map.entry("addon.purchased", "an addon is bought"),
        Map.entry("option.selected", "an option is chosen at checkout"),
        Map.entry("promo_code.applied", "a promo code is applied"),
        Map.entry("product.purchased", "a product is bought"), Map.entry("order.created", "an order is created"),
        Map.entry("payment.succeeded", "a payment succeeds"), Map.entry("payment.failed", "a payment fails"),
        Map.entry("payment.refunded", "a payment is refunded"), Map.entry("payment.disputed", "a payment is disputed"),
        Map.entry("subscription.payment_succeeded", "a subscription payment succeeds"),
        Map.entry("subscription.payment_failed", "a subscription payment fails"),
        Map.entry("subscription.payment_refunded", "a subscription payment is refunded"),
        Map.entry("payment_plan.payment_succeeded", "an installment is paid"),
        Map.entry("payment_plan.payment_failed", "an installment payment fails"),
        Map.entry("payment_plan.payment_refunded", "an installment payment is refunded"),
        Map.entry("card.expiring", "a card is about to expire"), Map.entry("card.expired", "a card expires"),
        Map.entry("card.updated", "a card is updated"), Map.entry("subscription.started", "a subscription starts"),
        Map.entry("subscription.activated", "a subscription becomes active"),
        Map.entry("subscription.renewal_upcoming", "a subscription is about to renew"),
        Map.entry("subscription.trial_ending", "a trial is about to end"),
        Map.entry("subscription.ending_soon", "a fixed-term subscription is about to end"),
        Map.entry("subscription.past_due", "a subscription becomes past due"),
        Map.entry("subscription.unpaid", "a subscription becomes unpaid"),
        Map.entry("subscription.canceling", "a subscription is set to cancel"),
        Map.entry("subscription.canceled", "a subscription is canceled"),
        Map.entry("subscription.paused", "a subscription is paused"),
        Map.entry("subscription.resumed", "a subscription is resumed"),
        Map.entry("payment_plan.payment_upcoming", "an installment is coming up"),
        Map.entry("payment_plan.completed", "a payment plan is paid in full"),
        Map.entry("payment_plan.unpaid", "a payment plan becomes unpaid"),
        Map.entry("invoice.issued", "an invoice is issued"), Map.entry("invoice.paid", "an invoice is paid"),
        Map.entry("invoice.overdue", "an invoice becomes overdue"), Map.entry("invoice.voided", "an invoice is voided"),
        Map.entry("customer.created", "a customer is created"), Map.entry("customer.updated", "a customer is updated"),
        Map.entry("customer.marketing_consent_changed", "a customer's marketing consent changes"),
        Map.entry("customer.redacted", "a customer's personal data is erased"),
        Map.entry("credits.depleted", "a credit balance runs out"),
        Map.entry("usage.threshold_exceeded", "usage passes a threshold"),
        Map.entry("webhook_endpoint.delivery_exhausted", "a webhook endpoint starts failing (a delivery gives up)"));

    /** What an upcoming event announces, for "3 days before a subscription renews". */
    private static final Map<String, String> AHEAD = Map.of("subscription.renewal_upcoming", "a subscription renews",
        "subscription.trial_ending", "a trial ends", "subscription.ending_soon", "a fixed-term subscription ends",
        "payment_plan.payment_upcoming", "an installment is due", "card.expiring", "a card expires");

    private TriggerSentence() {}

    /** @param names display names of scoped objects by id (a promo code's name is its code) */
    static String of(Definition.Trigger trigger, Map<String, String> names) {
        return switch (trigger) {
            case Definition.Trigger.OnEvent(var event, var scope, var daysBefore) -> {
                String known = EVENTS.get(event);
                String ahead = daysBefore == null ? null : AHEAD.get(event);
                var sentence = new StringBuilder(ahead != null
                    ? (daysBefore == 1 ? "1 day" : daysBefore + " days") + " before " + ahead
                    : known != null ? "When " + known : "When the custom event " + event + " arrives");
                for (ScopeKey key : ScopeKey.values()) {
                    String id = scope.get(key.key);
                    if (id != null) {
                        sentence.append(' ').append(scoped(key, names.getOrDefault(id, id)));
                    }
                }
                yield sentence.toString();
            }
            case Definition.Trigger.OnSchedule(var schedule) -> schedule(schedule);
            case Definition.Trigger.Manual() -> "When started by hand, from the dashboard or the API";
        };
    }

    private static String scoped(ScopeKey key, String name) {
        return switch (key) {
            case CHECKOUT -> "through the " + name + " checkout";
            case PRODUCT -> "for " + name;
            case UPSELL -> "through the " + name + " upsell";
            case ADDON -> "with the " + name + " addon";
            case OPTION -> "with the " + name + " option";
            case PROMO_CODE -> "with promo code " + name;
            case SUBSCRIPTION_GROUP -> "for a subscription in " + name;
        };
    }

    private static String schedule(Definition.Schedule schedule) {
        return switch (schedule) {
            // Whole days are counted in the zone's days (Schedules): the zone says which, unless it is UTC.
            case Definition.Schedule.Every(var interval, var zone) -> "Every " + every(interval)
                + (interval.toSeconds() % 86_400 == 0 && zone != null && !zone.getRules().isFixedOffset()
                    ? in(zone)
                    : "");
            case Definition.Schedule.Cron(var expression, var zone) -> "On the schedule " + expression + in(zone);
            case Definition.Schedule.Calendar(var day, var at, var zone) -> switch (day == null ? "" : day) {
                case "first_day_of_month" -> "On the first day of each month" + at(at) + in(zone);
                case "last_day_of_month" -> "On the last day of each month" + at(at) + in(zone);
                default -> "Every " + capitalized(day) + at(at) + in(zone);
            };
        };
    }

    /** "day" rather than "1 day": "Every day", but "Every 3 days". */
    private static String every(Duration interval) {
        String words = duration(interval);
        return words.startsWith("1 ") && !words.contains(" and ") ? words.substring(2) : words;
    }

    private static String at(LocalTime time) {
        return time == null ? "" : " at " + time;
    }

    private static String in(ZoneId zone) {
        return zone == null ? "" : " (" + zone.getId() + ")";
    }

    /** A duration in words: "3 days", "1 day and 12 hours", "30 minutes". */
    static String duration(Duration duration) {
        if (duration == null) {
            return "?";
        }
        var parts = DurationWords.parts(duration);
        if (parts.isEmpty()) {
            return "a moment";
        }
        return parts.size() == 1
            ? parts.getFirst()
            : String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.getLast();
    }

    private static String capitalized(String word) {
        return word.isEmpty() ? word : word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1);
    }
}
