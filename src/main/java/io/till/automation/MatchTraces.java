package io.till.automation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * The match trace (PRODUCT.md §4, "explanation"): for each event, why each automation listening to its type started
 * no run, as the matcher decided it, kept in the transaction that takes the event from the inbox. Runs that started
 * are their own record (executions by trigger key).
 */
@Component
class MatchTraces {

    private final JdbcClient db;
    private final JsonMapper json;

    MatchTraces(JdbcClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** What one batch of matching skipped, by event. */
    static final class Batch {
        private final Map<String, String> accounts = new LinkedHashMap<>();
        private final Map<String, List<Skip>> skips = new LinkedHashMap<>();

        void skip(String eventId, String accountId, String automationId, int version, String reason) {
            accounts.put(eventId, accountId);
            skips.computeIfAbsent(eventId, id -> new ArrayList<>()).add(new Skip(automationId, version, reason));
        }
    }

    private record Skip(String automationId, int version, String reason) {}

    /** Keeps a batch's skips with their events (an event matched twice keeps its first trace). */
    void keep(Batch batch) {
        if (batch.skips.isEmpty()) {
            return;
        }
        var events = new ArrayList<String>(batch.skips.keySet());
        db.sql("""
            INSERT INTO event_traces (event_id, account_id, skipped)
            SELECT * FROM unnest(CAST(:events AS text[]), CAST(:accounts AS text[]), CAST(:skipped AS jsonb[]))
            ON CONFLICT (event_id) DO NOTHING
            """)
            .param("events", events.toArray(String[]::new))
            .param("accounts", events.stream().map(batch.accounts::get).toArray(String[]::new))
            .param("skipped", events.stream().map(event -> {
                ArrayNode list = json.createArrayNode();
                batch.skips.get(event).forEach(skip -> list.addObject().put("automation_id", skip.automationId())
                    .put("version", skip.version()).put("reason", skip.reason()));
                return json.writeValueAsString(list);
            }).toArray(String[]::new))
            .update();
    }

    /** Why each automation skipped the event, by automation id; empty for an event traced before traces were kept. */
    Map<String, String> skipped(String accountId, String eventId) {
        var reasons = new LinkedHashMap<String, String>();
        db.sql("SELECT skipped FROM event_traces WHERE account_id = :accountId AND event_id = :eventId")
            .param("accountId", accountId)
            .param("eventId", eventId)
            .query(String.class)
            .optional()
            .ifPresent(text -> {
                for (JsonNode skip : json.readTree(text)) {
                    reasons.putIfAbsent(skip.path("automation_id").asString(), skip.path("reason").asString());
                }
            });
        return reasons;
    }
}
