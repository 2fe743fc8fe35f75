package io.till.event;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every event Till raises itself (PRODUCT.md §3). Their first segments are reserved: custom events posted through the
 * API must use another prefix. docs/EVENTS.md describes each one; a test keeps the two lists equal.
 *
 * <p>After its name, each names the objects it carries under {@code data} besides the customer, its own subject first;
 * a name ending in {@code ?} is carried only sometimes (a payment at checkout is for an order, a renewal's for an
 * invoice). Automations read them as the roots of a run's context, so a template or condition on an object the event
 * never carries is refused when it is saved. {@link Events#record} holds every event raised to its declaration.
 */
public enum EventType {
    // purchase
    CHECKOUT_PURCHASED("checkout.purchased", "order", "checkout", "product", "option", "payment?"),
    CHECKOUT_UPSELL_PURCHASED("checkout.upsell_purchased", "upsell", "order", "checkout", "product", "option"),
    CHECKOUT_FLOW_COMPLETED("checkout.flow_completed", "order", "checkout"),
    UPSELL_PURCHASED("upsell.purchased", "upsell", "order", "checkout", "product", "option"),
    ADDON_PURCHASED("addon.purchased", "addon", "order", "checkout"),
    OPTION_SELECTED("option.selected", "option", "product", "order", "checkout"),
    PROMO_CODE_APPLIED("promo_code.applied", "promo_code", "order", "checkout?"),
    PRODUCT_PURCHASED("product.purchased", "product", "option", "order"),
    ORDER_CREATED("order.created", "order"),
    // payments
    PAYMENT_SUCCEEDED("payment.succeeded", "payment", "invoice?", "order?"),
    PAYMENT_FAILED("payment.failed", "payment", "invoice?", "order?", "caused_by?"),
    PAYMENT_REFUNDED("payment.refunded", "payment", "refund"),
    PAYMENT_DISPUTED("payment.disputed", "payment"),
    SUBSCRIPTION_PAYMENT_SUCCEEDED("subscription.payment_succeeded", "subscription", "payment", "invoice"),
    SUBSCRIPTION_PAYMENT_FAILED("subscription.payment_failed", "subscription", "payment", "invoice"),
    SUBSCRIPTION_PAYMENT_REFUNDED("subscription.payment_refunded", "subscription", "payment", "refund"),
    PAYMENT_PLAN_PAYMENT_SUCCEEDED("payment_plan.payment_succeeded", "payment_plan", "payment", "invoice?"),
    PAYMENT_PLAN_PAYMENT_FAILED("payment_plan.payment_failed", "payment_plan", "payment", "invoice"),
    PAYMENT_PLAN_PAYMENT_REFUNDED("payment_plan.payment_refunded", "payment_plan", "payment", "refund"),
    // cards
    CARD_EXPIRING("card.expiring", "card"),
    CARD_EXPIRED("card.expired", "card"),
    CARD_UPDATED("card.updated", "card", "subscription?", "payment_plan?"),
    // subscriptions
    SUBSCRIPTION_STARTED("subscription.started", "subscription"),
    SUBSCRIPTION_ACTIVATED("subscription.activated", "subscription"),
    SUBSCRIPTION_RENEWAL_UPCOMING("subscription.renewal_upcoming", "subscription"),
    SUBSCRIPTION_TRIAL_ENDING("subscription.trial_ending", "subscription"),
    SUBSCRIPTION_ENDING_SOON("subscription.ending_soon", "subscription"),
    SUBSCRIPTION_PAST_DUE("subscription.past_due", "subscription", "invoice"),
    SUBSCRIPTION_UNPAID("subscription.unpaid", "subscription", "invoice"),
    SUBSCRIPTION_CANCELING("subscription.canceling", "subscription"),
    SUBSCRIPTION_CANCELED("subscription.canceled", "subscription"),
    SUBSCRIPTION_PAUSED("subscription.paused", "subscription"),
    SUBSCRIPTION_RESUMED("subscription.resumed", "subscription"),
    // payment plans
    PAYMENT_PLAN_PAYMENT_UPCOMING("payment_plan.payment_upcoming", "payment_plan"),
    PAYMENT_PLAN_COMPLETED("payment_plan.completed", "payment_plan"),
    PAYMENT_PLAN_UNPAID("payment_plan.unpaid", "payment_plan", "invoice"),
    // invoices
    INVOICE_ISSUED("invoice.issued", "invoice"),
    INVOICE_PAID("invoice.paid", "invoice", "payment?"),
    INVOICE_OVERDUE("invoice.overdue", "invoice"),
    INVOICE_VOIDED("invoice.voided", "invoice"),
    // customers
    CUSTOMER_CREATED("customer.created"),
    CUSTOMER_UPDATED("customer.updated", "previous_attributes"),
    CUSTOMER_MARKETING_CONSENT_CHANGED("customer.marketing_consent_changed"),
    // the seller erased the customer's personal data: connected systems erase their copies
    CUSTOMER_REDACTED("customer.redacted"),
    // credits and usage
    CREDITS_DEPLETED("credits.depleted", "credits", "invoice"),
    USAGE_THRESHOLD_EXCEEDED("usage.threshold_exceeded", "usage", "subscription"),
    // webhooks: an endpoint's first delivery to give up, after every retry or at once (see webhook.WebhookDeliveries)
    WEBHOOK_ENDPOINT_DELIVERY_EXHAUSTED("webhook_endpoint.delivery_exhausted", "webhook_endpoint", "webhook_delivery");

    /** Every type's name, in the catalog's order (the dashboard offers them to choose from). */
    public static final java.util.List<String> NAMES = Arrays.stream(values()).map(EventType::type).toList();

    private static final Map<String, EventType> BY_NAME = Arrays.stream(values())
        .collect(Collectors.toUnmodifiableMap(EventType::type, Function.identity()));

    /**
     * First segments that only Till's own events may use. {@code till.} is kept for Till's future use; {@code webhook.}
     * and {@code automation.} are the types Till sends to webhook endpoints itself ({@code webhook.test},
     * {@code automation.webhook}), which an endpoint on {@code *} must be able to tell from a custom event.
     */
    public static final Set<String> RESERVED_PREFIXES = Arrays.stream(values())
        .map(type -> type.type().substring(0, type.type().indexOf('.')))
        .collect(Collectors.collectingAndThen(Collectors.toCollection(java.util.TreeSet::new), prefixes -> {
            prefixes.addAll(List.of("till", "webhook", "automation"));
            return java.util.Collections.unmodifiableSortedSet(prefixes);
        }));

    /**
     * What any event raised by an automation's step carries besides its declared objects: {@code {"execution_id":
     * …}}, the run that raised it ({@link EventCause}).
     */
    public static final String CAUSED_BY = "caused_by";

    private final String type;
    private final List<String> carries;
    private final List<String> sometimes;

    EventType(String type, String... objects) {
        this.type = type;
        this.carries = Arrays.stream(objects).map(name -> name.replace("?", "")).toList();
        this.sometimes = Arrays.stream(objects).filter(name -> name.endsWith("?"))
            .map(name -> name.replace("?", "")).toList();
    }

    /** The name clients see and automations trigger on, e.g. {@code payment.failed}. */
    @JsonValue
    public String type() {
        return type;
    }

    /** The objects under {@code data} besides the customer, its subject first, whether always or sometimes carried. */
    public List<String> carries() {
        return carries;
    }

    /** Whether {@code object} is carried only by some events of this type (a payment's invoice: not at checkout). */
    public boolean carriesSometimes(String object) {
        return sometimes.contains(object);
    }

    /**
     * What is wrong with {@code data} for an event of this type: an object it does not declare, or one it always carries
     * that is missing; empty when none.
     */
    public List<String> undeclared(Set<String> objects) {
        var wrong = new java.util.ArrayList<String>();
        objects.stream().filter(name -> !name.equals("customer") && !name.equals(CAUSED_BY) && !carries.contains(name))
            .forEach(name -> wrong.add(type + " carries " + name + ", which it does not declare"));
        carries.stream().filter(name -> !sometimes.contains(name) && !objects.contains(name))
            .forEach(name -> wrong.add(type + " always carries " + name + ", but this one does not"));
        return wrong;
    }

    /** The type of this name; empty for a custom type, and for none (a trigger whose event was left out). */
    public static Optional<EventType> of(String type) {
        return type == null ? Optional.empty() : Optional.ofNullable(BY_NAME.get(type));
    }

    /**
     * Whether this announces something ahead of its time (a renewal, a trial's end, an installment, a fixed term's end,
     * a card's expiry): raised at the account's standard notice, and also at each {@code days_before} an automation on
     * it asks for, with {@code days_before} in its data.
     */
    public boolean isUpcoming() {
        return this == SUBSCRIPTION_RENEWAL_UPCOMING || this == SUBSCRIPTION_TRIAL_ENDING
            || this == SUBSCRIPTION_ENDING_SOON || this == PAYMENT_PLAN_PAYMENT_UPCOMING || this == CARD_EXPIRING;
    }

    /** Till's own event types that start with {@code prefix} ({@code payment.}), in declaration order. */
    public static List<String> startingWith(String prefix) {
        return Arrays.stream(values()).map(EventType::type).filter(type -> type.startsWith(prefix)).toList();
    }

    /** Whether {@code type} starts with a prefix reserved for Till's own events. */
    public static boolean isReserved(String type) {
        int dot = type.indexOf('.');
        return RESERVED_PREFIXES.contains(dot < 0 ? type : type.substring(0, dot));
    }
}
