package io.till.portal;

import io.till.shared.PersonalData;
import io.till.shared.Redaction;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A customer's way into the portal: their sessions end and their unused links stop working when their personal data is
 * erased (the sessions also refuse a redacted customer on every request, and card-update links cannot be used).
 */
@Component
class PortalPersonalData implements PersonalData {

    private final JdbcClient db;

    PortalPersonalData(JdbcClient db) {
        this.db = db;
    }

    @Override
    public void erase(String accountId, String customerId, Redaction redaction) {
        for (String table : java.util.List.of("portal_sessions", "portal_links")) {
            db.sql("DELETE FROM " + table + " WHERE account_id = :accountId AND customer_id = :customerId")
                .param("accountId", accountId)
                .param("customerId", customerId)
                .update();
        }
    }
}
