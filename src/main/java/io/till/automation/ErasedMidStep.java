package io.till.automation;

import io.till.automation.engine.ExecutionState;
import io.till.automation.engine.StateJson;
import io.till.automation.engine.StepLog;
import io.till.shared.RedactedRows;
import io.till.shared.RedactedRows.Column;
import io.till.shared.Redaction;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a step that was running as its customer was erased brings back ({@code executions.redact_asked}): it was made
 * from their data as it was before, and Till no longer knows their values, so every text it brings is taken for theirs
 * ({@link Redaction#everyText}). What the step did stays: each log line with its step, status, attempt, key and times,
 * the ids, figures and statuses of its action's output, where the run stands; what the erasure already redacted (the
 * outputs of earlier steps) stays as the erasure left it.
 */
final class ErasedMidStep {

    private final JdbcClient db;
    private final JsonMapper json;

    ErasedMidStep(JdbcClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /**
     * Stores what {@code written} brings, redacted, where its save left the run's state as the erasure did and its
     * lines' input, output and error empty; its log lines are numbered from {@code firstSeq} on. Runs in the save's
     * transaction, which holds the run.
     */
    void redact(ExecutionResults.Written written, int firstSeq) {
        var claimed = written.claimed();
        var redaction = Redaction.everyText(claimed.customerId());
        var params = Map.of("accountId", claimed.accountId(), "id", claimed.id());
        String erased = db.sql("SELECT state FROM executions WHERE account_id = :accountId AND id = :id")
            .params(params)
            .query(String.class)
            .single();
        db.sql("""
            UPDATE executions SET state = CAST(:state AS jsonb), error = CAST(:error AS jsonb), redact_asked = false
             WHERE account_id = :accountId AND id = :id
            """)
            .params(params)
            .param("state", json.writeValueAsString(state(claimed.state(), written.state(), json.readTree(erased),
                redaction)))
            .param("error", write(error(written.error(), redaction)))
            .update();
        List<StepLog> lines = written.logs();
        for (int nth = 1; nth <= lines.size(); nth++) {
            StepLog line = lines.get(nth - 1);
            // An action's line holds what it was sent and answered; the engine's own lines (a branch taken, a delay's
            // end, a loop's count) hold none of the customer's values, only their error's words may.
            boolean action = line.kind().equals("action");
            db.sql("""
                UPDATE execution_steps
                   SET input = CAST(:input AS jsonb), output = CAST(:output AS jsonb), error = CAST(:error AS jsonb)
                 WHERE account_id = :accountId AND execution_id = :id AND seq = :seq
                """)
                .params(params)
                .param("seq", firstSeq + nth)
                .param("input", write(action ? redaction.json(line.input()) : line.input()))
                .param("output", write(action ? redaction.json(line.output()) : line.output()))
                .param("error", write(error(line.error(), redaction)))
                .update();
        }
        // What the step's action recorded under its key as it called out (an email sent, a Slack post), as the
        // erasure rewrites those of the steps it found written.
        String[] keys = lines.stream().map(StepLog::idempotencyKey).filter(Objects::nonNull).distinct()
            .toArray(String[]::new);
        if (keys.length > 0) {
            // The copy of an email or text the dev mailbox kept (sent without SMTP or Twilio): made from their data,
            // it loses every value as the step's own lines do, keeping who sent it and when.
            RedactedRows.rewrite(db, json, redaction, "dev_messages", List.of("id"), List.of(Column.text("to_address"),
                Column.text("subject"), Column.text("text_body"), Column.text("html_body"), Column.json("headers")),
                """
                    account_id = :accountId AND id IN (
                        SELECT coalesce(output ->> 'dev_message_id', output ->> 'message_id') FROM message_sends
                         WHERE account_id = :accountId AND idempotency_key = ANY(CAST(:keys AS text[]))
                           AND output ->> 'via' = 'dev_mailbox')""",
                Map.of("accountId", claimed.accountId(), "keys", keys));
            for (String table : List.of("message_sends", "outbound_calls")) {
                RedactedRows.rewrite(db, json, redaction, table, List.of("account_id", "idempotency_key"),
                    List.of(Column.json("output")),
                    "account_id = :accountId AND idempotency_key = ANY(CAST(:keys AS text[]))",
                    Map.of("accountId", claimed.accountId(), "keys", keys));
            }
            // A webhook the step queued just before the erasure, which could not find it by a key not yet written: its
            // payload (and the attempts already made of it) lose every value as the step's lines do.
            String delivered = "account_id = :accountId AND idempotency_key = ANY(CAST(:keys AS text[]))";
            RedactedRows.rewrite(db, json, redaction, "webhook_deliveries", List.of("id"),
                List.of(Column.jsonText("payload"), Column.text("last_error")), delivered,
                Map.of("accountId", claimed.accountId(), "keys", keys));
            RedactedRows.rewrite(db, json, redaction, "webhook_attempts", List.of("delivery_id", "seq"),
                List.of(Column.text("response_body"), Column.text("error")),
                "account_id = :accountId AND delivery_id IN (SELECT id FROM webhook_deliveries WHERE " + delivered
                    + ")",
                Map.of("accountId", claimed.accountId(), "keys", keys));
        }
    }

    /**
     * The state the run goes on from: where {@code after} stands, with the outputs and loop items the step left as
     * they were {@code before} kept as the erasure redacted them ({@code erased}), and those it made redacted.
     */
    static ObjectNode state(ExecutionState before, ExecutionState after, JsonNode erased, Redaction redaction) {
        ObjectNode was = StateJson.write(before);
        ObjectNode state = StateJson.write(after);
        ObjectNode outputs = (ObjectNode) state.get("outputs");
        for (String step : List.copyOf(outputs.propertyNames())) {
            outputs.set(step, kept(was.get("outputs").get(step), outputs.get(step), erased.path("outputs").get(step),
                redaction));
        }
        ArrayNode frames = (ArrayNode) state.get("frames");
        for (int i = 0; i < frames.size(); i++) {
            var frame = (ObjectNode) frames.get(i);
            if (frame.has("items")) {
                frame.set("items", kept(was.get("frames").path(i).get("items"), frame.get("items"),
                    erased.path("frames").path(i).get("items"), redaction));
            }
        }
        return state;
    }

    private static JsonNode kept(JsonNode before, JsonNode after, JsonNode erased, Redaction redaction) {
        return after.equals(before) && erased != null ? erased : redaction.json(after);
    }

    /** An error keeps what names it, its code and step, which are Till's and the seller's; its words go. */
    static JsonNode error(JsonNode error, Redaction redaction) {
        JsonNode redacted = redaction.json(error);
        if (redacted instanceof ObjectNode object) {
            for (String name : List.of("code", "step_id")) {
                if (error.has(name)) {
                    object.set(name, error.get(name));
                }
            }
        }
        return redacted;
    }

    private String write(JsonNode node) {
        return node == null ? null : json.writeValueAsString(node);
    }
}
