package io.till.automation;

import io.till.event.EventEffects;
import io.till.shared.Timestamps;
import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The runs an event started, for the event's page: an execution started by an event has the event id as its trigger
 * key. Read per automation of the account, so each lookup is one probe of the (automation_id, trigger_key) index.
 */
@Component
@Order(1)
class ExecutionsOfEvent implements EventEffects {

    private final JdbcClient db;

    ExecutionsOfEvent(JdbcClient db) {
        this.db = db;
    }

    @Override
    public String heading() {
        return "Automations it started";
    }

    @Override
    public String none() {
        return "No automation started from this event.";
    }

    @Override
    public List<Effect> of(String accountId, String eventId) {
        return db.sql("""
            SELECT x.id, x.status, x.created_at, x.version, a.name
              FROM automations a JOIN executions x ON x.automation_id = a.id AND x.trigger_key = :eventId
             WHERE a.account_id = :accountId AND x.account_id = :accountId
             ORDER BY x.id DESC
             LIMIT 100
            """)
            .param("accountId", accountId)
            .param("eventId", eventId)
            .query((rs, row) -> new Effect(rs.getString("id"), rs.getString("name"),
                "/admin/executions/" + rs.getString("id"), rs.getString("status"),
                "version " + rs.getInt("version"), Timestamps.read(rs, "created_at")))
            .list();
    }
}
