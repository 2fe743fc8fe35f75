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
 */
public enum EventType {
    // purchase
    CHECKOUT_PURCHASED("checkout.purchased"),
    CHECKOUT_UPSELL_PURCHASED("checkout.upsell_purchased"),
    CHECKOUT_FLOW_COMPLETED("checkout.flow_completed"),
    UPSELL_PURCHASED("upsell.purchased"),
    ADDON_PURCHASED("addon.purchased"),
    OPTION_SELECTED("option.selected"),
    PROMO_CODE_APPLIED("promo_code.applied"),
    PRODUCT_PURCHASED("product.purchased"),
    ORDER_CREATED("order.created"),
    // payments
    PAYMENT_SUCCEEDED("payment.succeeded"),
    PAYMENT_FAILED("payment.failed"),
    PAYMENT_REFUNDED("payment.refunded"),
    PAYMENT_DISPUTED("payment.disputed"),
    SUBSCRIPTION_PAYMENT_SUCCEEDED("subscription.payment_succeeded"),
    SUBSCRIPTION_PAYMENT_FAILED("subscription.payment_failed"),
    SUBSCRIPTION_PAYMENT_REFUNDED("subscription.payment_refunded"),
    PAYMENT_PLAN_PAYMENT_SUCCEEDED("payment_plan.payment_succeeded"),
    PAYMENT_PLAN_PAYMENT_FAILED("payment_plan.payment_failed"),
    PAYMENT_PLAN_PAYMENT_REFUNDED("payment_plan.payment_refunded"),
    // cards
    CARD_EXPIRING("card.expiring"),
    CARD_EXPIRED("card.expired"),
    CARD_UPDATED("card.updated"),
    // subscriptions
    SUBSCRIPTION_STARTED("subscription.started"),
    SUBSCRIPTION_ACTIVATED("subscription.activated"),
    SUBSCRIPTION_RENEWAL_UPCOMING("subscription.renewal_upcoming"),
    SUBSCRIPTION_TRIAL_ENDING("subscription.trial_ending"),
    SUBSCRIPTION_ENDING_SOON("subscription.ending_soon"),
    SUBSCRIPTION_PAST_DUE("subscription.past_due"),
    SUBSCRIPTION_UNPAID("subscription.unpaid"),
    SUBSCRIPTION_CANCELING("subscription.canceling"),
    SUBSCRIPTION_CANCELED("subscription.canceled"),
    SUBSCRIPTION_PAUSED("subscription.paused"),
    SUBSCRIPTION_RESUMED("subscription.resumed"),
    // payment plans
    PAYMENT_PLAN_PAYMENT_UPCOMING("payment_plan.payment_upcoming"),
    PAYMENT_PLAN_COMPLETED("payment_plan.completed"),
    PAYMENT_PLAN_UNPAID("payment_plan.unpaid"),
    // invoices
    INVOICE_ISSUED("invoice.issued"),
    INVOICE_PAID("invoice.paid"),
    INVOICE_OVERDUE("invoice.overdue"),
    INVOICE_VOIDED("invoice.voided"),
    // customers
    CUSTOMER_CREATED("customer.created"),
    CUSTOMER_UPDATED("customer.updated"),
    CUSTOMER_MARKETING_CONSENT_CHANGED("customer.marketing_consent_changed"),
    // credits and usage
    CREDITS_DEPLETED("credits.depleted"),
    USAGE_THRESHOLD_EXCEEDED("usage.threshold_exceeded"),
    // webhooks: an endpoint's first delivery to give up, after every retry or at once (see webhook.WebhookDeliveries)
    WEBHOOK_ENDPOINT_DELIVERY_EXHAUSTED("webhook_endpoint.delivery_exhausted");

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

    private final String type;

    EventType(String type) {
        this.type = type;
    }

    /** The name clients see and automations trigger on, e.g. {@code payment.failed}. */
    @JsonValue
    public String type() {
        return type;
    }

    public static Optional<EventType> of(String type) {
        return Optional.ofNullable(BY_NAME.get(type));
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

    /** Whether {@code type} starts with a prefix reserved for Till's own events. */
    public static boolean isReserved(String type) {
        int dot = type.indexOf('.');
        return RESERVED_PREFIXES.contains(dot < 0 ? type : type.substring(0, dot));
    }
}
