package io.till.webhook;

import io.till.shared.PersonalData;
import io.till.shared.RedactedRows;
import io.till.shared.RedactedRows.Column;
import io.till.shared.Redaction;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * A customer's personal data in webhook deliveries: the payloads of their events sent to endpoints, those of
 * {@code send_webhook} steps of their runs and the URLs those steps rendered (a template may put an email in a query),
 * and what receivers answered to them (a body may echo the payload). The
 * receivers keep their copies: {@code customer.redacted} tells them to erase theirs.
 */
@Component
class WebhookPersonalData implements PersonalData {

    private final JdbcClient db;
    private final JsonMapper json;

    WebhookPersonalData(JdbcClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    @Override
    public void erase(String accountId, String customerId, Redaction redaction) {
        String theirs = """
            account_id = :accountId
            AND (event_id IN (SELECT id FROM events WHERE account_id = :accountId AND customer_id = :customerId)
                 OR idempotency_key IN (
                     SELECT s.idempotency_key FROM execution_steps s
                       JOIN executions e ON e.id = s.execution_id
                      WHERE e.account_id = :accountId AND e.customer_id = :customerId
                        AND s.idempotency_key IS NOT NULL))
            """;
        var params = Map.of("accountId", accountId, "customerId", customerId);
        RedactedRows.rewrite(db, json, redaction, "webhook_deliveries", List.of("id"),
            List.of(Column.jsonText("payload"), Column.text("url"), Column.text("last_error")), theirs, params);
        RedactedRows.rewrite(db, json, redaction, "webhook_attempts", List.of("delivery_id", "seq"),
            List.of(Column.text("url"), Column.text("response_body"), Column.text("error")),
            "account_id = :accountId AND delivery_id IN (SELECT id FROM webhook_deliveries WHERE " + theirs + ")",
            params);
    }
}
