package io.till.automation;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What an event trigger can be scoped by ({@code "scope": {"checkout_id": "chk_…"}}), and where an id of each kind
 * lives: a scope must name an object of the account that saves the automation.
 */
enum ScopeKey {
    CHECKOUT("checkout_id", "chk", "checkouts", "a checkout"),
    PRODUCT("product_id", "prod", "products", "a product"),
    UPSELL("upsell_id", "upsell", "checkout_upsells", "an upsell"),
    ADDON("addon_id", "addon", "checkout_addons", "an addon"),
    OPTION("option_id", "opt", "product_options", "an option"),
    PROMO_CODE("promo_code_id", "promo", "promo_codes", "a promo code"),
    SUBSCRIPTION_GROUP("subscription_group_id", "sgrp", "subscription_groups", "a subscription group");

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
}
