package io.till.checkout;

import io.till.shared.Ids;
import io.till.shared.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * A checkout's offer bumps and upsells as they are written: added in order, renamed and repriced in place, and retired
 * (never deleted) when a change leaves them out, since orders that bought or were offered one still name it. Called
 * inside {@link Checkouts}' transactions, after its checks.
 */
@Repository
class CheckoutOffers {

    private final JdbcClient db;

    CheckoutOffers(JdbcClient db) {
        this.db = db;
    }

    /** The offers of a new checkout, in order. */
    void add(String accountId, String checkoutId, List<Checkouts.AddonInput> addons,
        List<Checkouts.UpsellInput> upsells) {
        for (int i = 0; i < addons.size(); i++) {
            insertAddon(accountId, checkoutId, i, addons.get(i));
        }
        for (int i = 0; i < upsells.size(); i++) {
            insertUpsell(accountId, checkoutId, i, upsells.get(i));
        }
    }

    /**
     * The checkout's offer bumps become {@code addons}, in order: each kept one (named by id) renamed and repriced as
     * {@code inputs} says, each new one added, the others retired.
     */
    void replaceAddons(String accountId, String id, List<CheckoutChange.AddonChange> addons,
        List<Checkouts.AddonInput> inputs, Instant now) {
        retireOmitted(accountId, id, "checkout_addons", addons.stream().map(CheckoutChange.AddonChange::id)
            .toList(), now);
        for (int i = 0; i < addons.size(); i++) {
            var addon = addons.get(i);
            if (addon.id() == null) {
                insertAddon(accountId, id, i, inputs.get(i));
            } else {
                db.sql("""
                    UPDATE checkout_addons SET position = :position, name = :name, amount = :amount,
                           currency = :currency
                     WHERE account_id = :accountId AND id = :id
                    """)
                    .param("position", i)
                    .param("name", addon.name().strip())
                    .param("amount", addon.amount())
                    .param("currency", addon.currency().toLowerCase(Locale.ROOT))
                    .param("accountId", accountId)
                    .param("id", addon.id())
                    .update();
            }
        }
    }

    /** The checkout's upsells become {@code upsells}, in order, as {@link #replaceAddons} does for offer bumps. */
    void replaceUpsells(String accountId, String id, List<CheckoutChange.UpsellChange> upsells,
        List<Checkouts.UpsellInput> inputs, Instant now) {
        retireOmitted(accountId, id, "checkout_upsells", upsells.stream().map(CheckoutChange.UpsellChange::id)
            .toList(), now);
        for (int i = 0; i < upsells.size(); i++) {
            var upsell = upsells.get(i);
            if (upsell.id() == null) {
                insertUpsell(accountId, id, i, inputs.get(i));
            } else {
                db.sql("UPDATE checkout_upsells SET position = :position, name = :name "
                    + "WHERE account_id = :accountId AND id = :id")
                    .param("position", i)
                    .param("name", upsell.name().strip())
                    .param("accountId", accountId)
                    .param("id", upsell.id())
                    .update();
            }
        }
    }

    /** Retires the offers on sale in {@code table} (addons or upsells) that {@code keptIds} leaves out. */
    private void retireOmitted(String accountId, String checkoutId, String table, List<String> keptIds,
        Instant now) {
        String[] kept = keptIds.stream().filter(Objects::nonNull).toArray(String[]::new);
        db.sql("UPDATE " + table + " SET retired_at = :now "
            + "WHERE account_id = :accountId AND checkout_id = :checkoutId AND retired_at IS NULL "
            + "AND NOT (id = ANY (:kept))")
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("checkoutId", checkoutId)
            .param("kept", kept)
            .update();
    }

    private void insertAddon(String accountId, String checkoutId, int position, Checkouts.AddonInput addon) {
        db.sql("""
            INSERT INTO checkout_addons (id, account_id, checkout_id, position, name, amount, currency)
            VALUES (:id, :accountId, :checkoutId, :position, :name, :amount, :currency)
            """)
            .param("id", Ids.newId("addon"))
            .param("accountId", accountId)
            .param("checkoutId", checkoutId)
            .param("position", position)
            .param("name", addon.name().strip())
            .param("amount", addon.amount())
            .param("currency", addon.currency().toLowerCase(Locale.ROOT))
            .update();
    }

    private void insertUpsell(String accountId, String checkoutId, int position, Checkouts.UpsellInput upsell) {
        db.sql("""
            INSERT INTO checkout_upsells (id, account_id, checkout_id, position, name, option_id)
            VALUES (:id, :accountId, :checkoutId, :position, :name, :optionId)
            """)
            .param("id", Ids.newId("upsell"))
            .param("accountId", accountId)
            .param("checkoutId", checkoutId)
            .param("position", position)
            .param("name", upsell.name().strip())
            .param("optionId", upsell.optionId())
            .update();
    }
}
