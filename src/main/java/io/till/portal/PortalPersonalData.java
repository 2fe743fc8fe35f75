package io.till.portal;

import io.till.shared.PersonalData;
import io.till.shared.PersonalRows;
import io.till.shared.Redaction;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A customer's way into the portal: their sessions end and their unused links stop working when their personal data is
 * erased (the sessions also refuse a redacted customer on every request, and card-update links cannot be used).
 */
@Component
class PortalPersonalData implements PersonalData {

    private final JdbcClient db;
    private final JsonMapper json;

    PortalPersonalData(JdbcClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** When they were signed in to the portal (the sessions still kept: those of the last day or so). */
    @Override
    public Map<String, JsonNode> export(String accountId, String customerId, Values known) {
        return Map.of("portal_sessions", PersonalRows.of(db, json, """
            SELECT id, access, created_at, last_seen_at, revoked_at FROM portal_sessions
             WHERE account_id = :accountId AND customer_id = :customerId
            """, Map.of("accountId", accountId, "customerId", customerId)));
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
