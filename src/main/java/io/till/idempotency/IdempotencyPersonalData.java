package io.till.idempotency;

import io.till.shared.PersonalData;
import io.till.shared.Redaction;
import java.nio.charset.StandardCharsets;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A customer's personal data in the answers kept for replays (a day at most): an answer that names the customer, such
 * as their creation or a purchase, is replayed redacted from now on.
 */
@Component
class IdempotencyPersonalData implements PersonalData {

    private final JdbcClient db;
    private final JsonMapper json;

    IdempotencyPersonalData(JdbcClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    @Override
    public void erase(String accountId, String customerId, Redaction redaction) {
        record Kept(String key, byte[] body) {}
        var kept = db.sql("""
            SELECT idempotency_key, response_body FROM idempotency_keys
             WHERE account_id = :accountId AND response_body IS NOT NULL
               AND position(convert_to(:customerId, 'UTF8') IN response_body) > 0
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .query((rs, row) -> new Kept(rs.getString("idempotency_key"), rs.getBytes("response_body")))
            .list();
        for (Kept answer : kept) {
            String body = new String(answer.body(), StandardCharsets.UTF_8);
            String redacted;
            try {
                redacted = json.writeValueAsString(redaction.json(json.readTree(body)));
            } catch (JacksonException notJson) {
                redacted = redaction.text(body);
            }
            db.sql("""
                UPDATE idempotency_keys SET response_body = :body
                 WHERE account_id = :accountId AND idempotency_key = :key
                """)
                .param("body", redacted.getBytes(StandardCharsets.UTF_8))
                .param("accountId", accountId)
                .param("key", answer.key())
                .update();
        }
    }
}
