package io.till.task;

import io.till.shared.PersonalData;
import io.till.shared.PersonalRows;
import io.till.shared.RedactedRows;
import io.till.shared.RedactedRows.Column;
import io.till.shared.Redaction;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A customer's personal data in staff tasks: titles and notes rendered from their record. */
@Component
class TaskPersonalData implements PersonalData {

    /**
     * Tasks about the customer, and those their runs made about another customer (a {@code create_task} step's
     * {@code customer_id}), whose words were rendered from their record too.
     */
    private static final String THEIRS = """
        account_id = :accountId
           AND (customer_id = :customerId
                OR execution_id IN (SELECT id FROM executions
                                     WHERE account_id = :accountId AND customer_id = :customerId))""";

    private final JdbcClient db;
    private final JsonMapper json;

    TaskPersonalData(JdbcClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    @Override
    public Map<String, JsonNode> export(String accountId, String customerId, Values known) {
        return Map.of("tasks", PersonalRows.of(db, json, """
            SELECT id, title, notes, status, assignee, due_at, execution_id, created_at, updated_at FROM tasks
             WHERE %s""".formatted(THEIRS), Map.of("accountId", accountId, "customerId", customerId)));
    }

    @Override
    public void erase(String accountId, String customerId, Redaction redaction) {
        RedactedRows.rewrite(db, json, redaction, "tasks", List.of("id"),
            List.of(Column.text("title"), Column.text("notes")),
            THEIRS,
            Map.of("accountId", accountId, "customerId", customerId));
    }
}
