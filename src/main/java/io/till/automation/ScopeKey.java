package io.till.automation;

import io.till.event.EventType;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an event trigger can be scoped by ({@code "scope": {"checkout_id": "chk_…"}}), where an id of each kind lives
 * (a scope must name an object of the account that saves the automation), and where each of Till's events names its
 * own subject of that kind: a scope is compared with that subject only, never with an id mentioned elsewhere in the
 * event (the order's other items, the upsells a checkout offers).
 */
enum ScopeKey {
    CHECKOUT("checkout_id", "chk", "checkouts", "a checkout"),
    PRODUCT("product_id", "prod", "products", "a product"),
    UPSELL("upsell_id", "upsell", "checkout_upsells", "an upsell"),
    ADDON("addon_id", "addon", "checkout_addons", "an addon"),
    OPTION("option_id", "opt", "product_options", "an option"),
    PROMO_CODE("promo_code_id", "promo", "promo_codes", "a promo code"),
    SUBSCRIPTION_GROUP("subscription_group_id", "sgrp", "subscription_groups", "a subscription group");

    /**
     * Where an event names its subject: the id at {@code path} of the event's data, or, {@code via} a subscription or
     * payment plan whose id is at {@code path}, that record's product, option or group (a payment or invoice names
     * only the subscription it is for); or {@code via} the card at {@code path}, those of what it pays.
     */
    record Place(String path, Via via) {}

    enum Via {
        ID,
        SUBSCRIPTION,
        PAYMENT_PLAN,
        /** The subscriptions and plans that a card pays: its own, and those without a card of their own. */
        CARD
    }

    final String key;
    /** The prefix of these objects' ids ({@link io.till.shared.Ids}). */
    final String prefix;
    /** The table holding these objects, each row with its {@code account_id}. */
    final String table;
    final String noun;

    ScopeKey(String key, String prefix, String table, String noun) {
        this.key = key;
        this.prefix = prefix;
        this.table = table;
        this.noun = noun;
    }

    static Optional<ScopeKey> of(String key) {
        return Arrays.stream(values()).filter(scope -> scope.key.equals(key)).findFirst();
    }

    static List<String> keys() {
        return Arrays.stream(values()).map(scope -> scope.key).toList();
    }

    /** A purchase of a product option: the option and product are the event's own. */
    private static final Set<EventType> OPTION_BOUGHT = Set.of(EventType.CHECKOUT_PURCHASED,
        EventType.CHECKOUT_UPSELL_PURCHASED, EventType.UPSELL_PURCHASED, EventType.OPTION_SELECTED,
        EventType.PRODUCT_PURCHASED);
    /** Events at a checkout, which carry it as {@code data.checkout}. */
    private static final Set<EventType> AT_CHECKOUT = Set.of(EventType.CHECKOUT_PURCHASED,
        EventType.CHECKOUT_UPSELL_PURCHASED, EventType.CHECKOUT_FLOW_COMPLETED, EventType.UPSELL_PURCHASED,
        EventType.ADDON_PURCHASED, EventType.OPTION_SELECTED, EventType.PROMO_CODE_APPLIED);
    /** Money events whose payment or invoice may be for a subscription or a payment plan. */
    private static final Set<EventType> BILLED = Set.of(EventType.PAYMENT_SUCCEEDED, EventType.PAYMENT_FAILED,
        EventType.PAYMENT_REFUNDED, EventType.PAYMENT_DISPUTED, EventType.INVOICE_ISSUED, EventType.INVOICE_PAID,
        EventType.INVOICE_OVERDUE, EventType.INVOICE_VOIDED, EventType.CREDITS_DEPLETED);

    /**
     * Where an event of this type names its subject of this kind, the first place that names one being the subject;
     * empty when it never does, so that a scope by this key can never match one (and is refused at save). A custom
     * event names it at the top of its data.
     */
    List<Place> places(String eventType) {
        var type = EventType.of(eventType).orElse(null);
        if (type == null && EventType.isReserved(eventType)) {
            return List.of();
        }
        if (type == null) {
            return List.of(new Place(key, Via.ID), new Place(key.substring(0, key.length() - 3) + ".id", Via.ID));
        }
        String name = type.type();
        return switch (this) {
            case CHECKOUT -> AT_CHECKOUT.contains(type)
                ? List.of(id("checkout.id"))
                : type == EventType.PRODUCT_PURCHASED || type == EventType.ORDER_CREATED
                    ? List.of(id("order.checkout_id"))
                    : List.of();
            case ADDON -> type == EventType.ADDON_PURCHASED ? List.of(id("addon.id")) : List.of();
            case UPSELL -> type == EventType.UPSELL_PURCHASED || type == EventType.CHECKOUT_UPSELL_PURCHASED
                ? List.of(id("upsell.id"))
                : List.of();
            case PROMO_CODE -> type == EventType.PROMO_CODE_APPLIED
                ? List.of(id("promo_code.id"))
                : type == EventType.CHECKOUT_PURCHASED || type == EventType.ORDER_CREATED
                    ? List.of(id("order.promo_code_id"))
                    : List.of();
            case PRODUCT, OPTION, SUBSCRIPTION_GROUP -> {
                if (OPTION_BOUGHT.contains(type)) {
                    yield List.of(id(this == PRODUCT
                        ? "product.id"
                        : this == OPTION
                            ? "option.id"
                            : "product.subscription_group_id"));
                }
                if (name.startsWith("subscription.") || type == EventType.USAGE_THRESHOLD_EXCEEDED) {
                    yield List.of(id("subscription." + key));
                }
                if (name.startsWith("payment_plan.")) {
                    // A payment plan belongs to no subscription group.
                    yield this == SUBSCRIPTION_GROUP ? List.of() : List.of(id("payment_plan." + key));
                }
                if (name.startsWith("card.")) {
                    // A card chosen for one subscription or plan is about that one; otherwise about all it pays.
                    var forOne = new Place("subscription." + key, Via.ID);
                    var cardPays = new Place("card.id", Via.CARD);
                    yield this == SUBSCRIPTION_GROUP
                        ? List.of(forOne, cardPays)
                        : List.of(forOne, id("payment_plan." + key), cardPays);
                }
                if (!BILLED.contains(type)) {
                    yield List.of();
                }
                String record = name.startsWith("payment.") ? "payment" : "invoice";
                var forSubscription = new Place(record + ".subscription_id", Via.SUBSCRIPTION);
                yield this == SUBSCRIPTION_GROUP
                    ? List.of(forSubscription)
                    : List.of(forSubscription, new Place(record + ".payment_plan_id", Via.PAYMENT_PLAN));
            }
        };
    }

    private static Place id(String path) {
        return new Place(path, Via.ID);
    }
}
