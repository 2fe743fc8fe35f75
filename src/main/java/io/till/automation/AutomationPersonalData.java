package io.till.automation;

import io.till.shared.PersonalData;
import io.till.shared.PersonalRows;
import io.till.shared.RedactedRows;
import io.till.shared.RedactedRows.Column;
import io.till.shared.Redaction;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A customer's personal data in their automation runs: what started each run, its state (the context it read), each
 * step's input, output and error (rendered emails among them), the reasons automations skipped their events, and what
 * the message and call records of their steps kept. Runs not yet ended are canceled first: a run about a person whose
 * data is gone has nobody left to email; one whose step is running ends as that step is written, redacted first. An
 * event of theirs recorded before the erasure starts no run after it.
 */
@Component
class AutomationPersonalData implements PersonalData {

    private final JdbcClient db;
    private final JsonMapper json;
    private final Executions executions;
    private final Clock clock;

    AutomationPersonalData(JdbcClient db, JsonMapper json, Executions executions, Clock clock) {
        this.db = db;
        this.json = json;
        this.executions = executions;
        this.clock = clock;
    }

    /** Their runs, and what each action step did (an email as it was rendered and sent, say). */
    @Override
    public Map<String, JsonNode> export(String accountId, String customerId, Values known) {
        var params = Map.of("accountId", accountId, "customerId", customerId);
        var records = new java.util.LinkedHashMap<String, JsonNode>();
        records.put("automation_runs", PersonalRows.of(db, json, """
            SELECT id, automation_id, version, status, created_at, finished_at FROM executions
             WHERE account_id = :accountId AND customer_id = :customerId
            """, params));
        records.put("automation_actions",
            PersonalRows.of(db, json,
                """
                    SELECT execution_id || ':' || lpad(seq::text, 8, '0') AS id, execution_id, step_id, status, input, output,
                           finished_at
                      FROM execution_steps
                     WHERE account_id = :accountId AND kind = 'action'
                       AND execution_id IN (SELECT id FROM executions WHERE account_id = :accountId AND customer_id = :customerId)
                    """,
                params));
        return records;
    }

    @Override
    public void erase(String accountId, String customerId, Redaction redaction) {
        // A run a matcher is starting about them now, from their data as it read it, is written before this looks, or
        // not at all: the erasure holds them alone (ErasureHolds) before any feature looks.
        var live = db.sql("""
            SELECT id FROM executions
             WHERE account_id = :accountId AND customer_id = :customerId
               AND status IN ('pending', 'running', 'waiting')
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .query(String.class)
            .list();
        for (String id : live) {
            // One that ended between the list and the cancel leaves nothing to stop, only its log to erase. (Caught as
            // a refusal, it marked the erasure's transaction for rollback, and the erasure failed.)
            executions.cancelIfLive(accountId, id, Timestamps.now(clock));
        }
        var params = Map.of("accountId", accountId, "customerId", customerId);
        // A run whose step is running now (canceled above, to end when that step is written) would store what the step
        // made of the customer's data after this erasure: the save that writes it redacts it first.
        db.sql("""
            UPDATE executions SET redact_asked = true
             WHERE account_id = :accountId AND customer_id = :customerId AND cancel_asked
               AND status IN ('pending', 'running', 'waiting')
            """)
            .params(params)
            .update();
        RedactedRows.rewrite(db, json, redaction, "executions", List.of("id"),
            List.of(Column.json("trigger"), Column.json("state"), Column.json("error")),
            "account_id = :accountId AND customer_id = :customerId", params);
        String theirRuns = "SELECT id FROM executions WHERE account_id = :accountId AND customer_id = :customerId";
        RedactedRows.rewrite(db, json, redaction, "execution_steps", List.of("execution_id", "seq"),
            List.of(Column.json("input"), Column.json("output"), Column.json("error")),
            "account_id = :accountId AND execution_id IN (" + theirRuns + ")", params);
        RedactedRows.rewrite(db, json, redaction, "event_traces", List.of("event_id"),
            List.of(Column.json("skipped")), """
                account_id = :accountId
                AND event_id IN (SELECT id FROM events WHERE account_id = :accountId AND customer_id = :customerId)
                """, params);
        // What a step recorded before calling out (an email sent, a CRM called) is keyed by the step's key.
        String theirStepKeys = "SELECT idempotency_key FROM execution_steps WHERE account_id = :accountId"
            + " AND idempotency_key IS NOT NULL AND execution_id IN (" + theirRuns + ")";
        for (String table : List.of("message_sends", "outbound_calls")) {
            RedactedRows.rewrite(db, json, redaction, table, List.of("account_id", "idempotency_key"),
                List.of(Column.json("output")), "account_id = :accountId AND idempotency_key IN (" + theirStepKeys
                    + ")",
                params);
        }
    }
}
