package io.till.shared;

import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The rows of one person a feature keeps, as a JSON list for their copy of their data (GDPR art. 15 and 20). */
public final class PersonalRows {

    private PersonalRows() {}

    /**
     * The rows {@code select} finds (its columns named as they are to be read, one of them {@code id}), in the order
     * of their ids (time-sortable: oldest first), each without the account it belongs to; {@code []} when none.
     */
    public static JsonNode of(JdbcClient db, JsonMapper json, String select, Map<String, ?> params) {
        String list = db.sql("SELECT coalesce(jsonb_agg(to_jsonb(t) - 'account_id' ORDER BY t.id), "
            + "'[]')::text FROM (" + select + ") t")
            .params(params)
            .query(String.class)
            .single();
        return json.readTree(list);
    }
}
