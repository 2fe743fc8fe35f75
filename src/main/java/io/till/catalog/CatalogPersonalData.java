package io.till.catalog;

import io.till.shared.PersonalData;
import io.till.shared.Redaction;
import java.util.HashSet;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The catalog keeps nothing of a buyer; its names are the seller's words, which an erasure leaves where they stand
 * (the product Day Pass keeps its name when Doris Day is erased).
 */
@Component
class CatalogPersonalData implements PersonalData {

    private final JdbcClient db;

    CatalogPersonalData(JdbcClient db) {
        this.db = db;
    }

    @Override
    public Set<String> sellersNames(String accountId) {
        return new HashSet<>(db.sql("""
            SELECT name FROM products WHERE account_id = :accountId
            UNION SELECT name FROM product_options WHERE account_id = :accountId
            UNION SELECT name FROM subscription_groups WHERE account_id = :accountId
            UNION SELECT name FROM checkouts WHERE account_id = :accountId
            UNION SELECT name FROM checkout_addons WHERE account_id = :accountId
            UNION SELECT name FROM checkout_upsells WHERE account_id = :accountId
            """)
            .param("accountId", accountId)
            .query(String.class)
            .list());
    }

    @Override
    public void erase(String accountId, String customerId, Redaction redaction) {
        // Nothing of the customer is kept here.
    }
}
