package io.till.message;

import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The built-in dev mailbox (PRODUCT.md §5): where an account's emails and SMS go while it has no SMTP or SMS provider,
 * so that a fresh install works end to end and the dashboard can show what would have been sent.
 */
@Repository
public class DevMailbox {

    private final JdbcClient db;
    private final Clock clock;
    private final JsonMapper json;
    private final RowMapper<DevMessage> rows;

    DevMailbox(JdbcClient db, Clock clock, JsonMapper json) {
        this.db = db;
        this.clock = clock;
        this.json = json;
        this.rows = (rs, n) -> new DevMessage(rs.getString("id"), rs.getString("kind"), rs.getString("to_address"),
            rs.getString("from_address"), rs.getString("subject"), rs.getString("text_body"), rs.getString(
                "html_body"),
            (ObjectNode) json.readTree(rs.getString("headers")), Timestamps.read(rs, "created_at"));
    }

    /**
     * Keeps a message; {@code kind} is {@code email} or {@code sms}. One {@code ownersOnly} (a staff invitation) is
     * read by owners alone.
     */
    String deliver(String accountId, String kind, String to, String from, String subject, String text, String html,
        ObjectNode headers, boolean ownersOnly) {
        String id = Ids.newId("msg");
        db.sql("""
            INSERT INTO dev_messages (id, account_id, kind, to_address, from_address, subject, text_body, html_body,
                                      headers, owners_only, created_at)
            VALUES (:id, :accountId, :kind, :to, :from, :subject, :text, :html, CAST(:headers AS jsonb), :ownersOnly,
                    :now)
            """)
            .param("id", id)
            .param("accountId", accountId)
            .param("kind", kind)
            .param("to", to)
            .param("from", from)
            .param("subject", subject)
            .param("text", text)
            .param("html", html)
            .param("headers", json.writeValueAsString(headers))
            .param("ownersOnly", ownersOnly)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update();
        return id;
    }

    /** Newest first; {@code owner} false leaves out what only owners read. */
    Page<DevMessage> list(String accountId, boolean owner, PageRequest page) {
        return page.page(db.sql("""
            SELECT * FROM dev_messages
             WHERE account_id = :accountId AND (CAST(:afterId AS text) IS NULL OR id < :afterId)
               AND (:owner OR NOT owners_only)
             ORDER BY id DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("owner", owner)
            .param("afterId", page.afterId())
            .param("limit", page.fetchSize())
            .query(rows)
            .list(), DevMessage::id);
    }

    /** The message; {@code owner} false finds none that only owners read. */
    DevMessage get(String accountId, boolean owner, String id) {
        return db.sql("""
            SELECT * FROM dev_messages WHERE account_id = :accountId AND id = :id AND (:owner OR NOT owners_only)
            """)
            .param("accountId", accountId)
            .param("owner", owner)
            .param("id", id)
            .query(rows)
            .optional()
            .orElseThrow(() -> TillException.notFound("message", id));
    }

    /** Deletes the messages {@code owner} may read: a staff member's clear leaves an owner's invitations. */
    int clear(String accountId, boolean owner) {
        return db.sql("DELETE FROM dev_messages WHERE account_id = :accountId AND (:owner OR NOT owners_only)")
            .param("accountId", accountId)
            .param("owner", owner)
            .update();
    }
}
