package io.till.automation;

import io.till.event.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The objects a run's context can hold, by its trigger ({@link ExecutionContexts}: the customer and what the event
 * carries under {@code data}), for the save checks of templates, conditions, delays and loops: a card.updated run never
 * has an invoice, a scheduled one no customer. Known only for Till's own events and for schedules; a manual start or a
 * custom event carries whatever data it is given, so any object may be there.
 */
record CarriedObjects(String trigger, List<String> objects, boolean customer) {

    /**
     * The roots that come from an event's data or its customer; {@code event}, {@code steps}, a loop's {@code item},
     * {@code account} and {@code portal} are in every run.
     */
    private static final Set<String> FROM_THE_EVENT = Set.of("customer", "invoice", "subscription", "payment", "order",
        "payment_plan", "card", "checkout", "upsell", "addon", "option", "product", "promo_code", "refund", "usage",
        "credits", "webhook_endpoint", "webhook_delivery");

    /** What runs of {@code trigger} carry; null when that is open (a manual start, a custom event, an unread trigger). */
    static CarriedObjects of(Definition.Trigger trigger) {
        return switch (trigger) {
            case Definition.Trigger.OnEvent on -> EventType.of(on.event())
                .map(type -> new CarriedObjects(type.type(), ContextRoots.of(type),
                    type != EventType.WEBHOOK_ENDPOINT_DELIVERY_EXHAUSTED))
                .orElse(null);
            case Definition.Trigger.OnSchedule schedule -> new CarriedObjects(null, List.of(), false);
            case null, default -> null;
        };
    }

    /**
     * Why {@code path} can never hold a value in these runs ("card.updated carries card and customer"), or null when it
     * may.
     */
    static String absent(CarriedObjects carried, String path) {
        String root = path.split("\\.", 2)[0];
        if (carried == null || !FROM_THE_EVENT.contains(root) || carried.objects.contains(root)
            || (carried.customer && root.equals("customer"))) {
            return null;
        }
        return carried.carried();
    }

    /** What these runs carry, as told after a refusal ("card.updated carries card and customer"). */
    String carried() {
        if (trigger == null) {
            return "a scheduled run is about no customer and carries no record";
        }
        var names = new ArrayList<String>();
        objects.stream().filter(FROM_THE_EVENT::contains).forEach(name -> names.add(name));
        if (customer && names.isEmpty()) {
            return trigger + " carries only the customer";
        }
        if (customer) {
            names.add("customer");
        }
        return trigger + (names.isEmpty()
            ? " carries no record"
            : " carries " + String.join(", ", names.subList(0, names.size() - 1)) + (names.size() > 1 ? " and " : "")
                + names.getLast());
    }
}
