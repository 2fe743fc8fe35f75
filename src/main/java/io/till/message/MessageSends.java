package io.till.message;

import io.till.shared.RealTime;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The messages the actions sent, by the step's idempotency key. A step reserves its key before sending and marks it
 * sent after; a retry that finds it sent answers the recorded output and sends nothing. A crash (or a lost reply)
 * between the send and the mark leaves the key reserved but not sent, and the retry sends again: at most one
 * duplicate, which the stable Message-ID lets mail clients fold away.
 */
@Repository
class MessageSends {

    private final JdbcClient db;
    /**
     * Real time, not the sandbox's: these rows are bookkeeping of sends (claimed, given up after three days), and an
     * advanced test clock left promises made before it given up, never sent.
     */
    private final Clock clock;
    private final JsonMapper json;

    MessageSends(JdbcClient db, @RealTime Clock clock, JsonMapper json) {
        this.db = db;
        this.clock = clock;
        this.json = json;
    }

    /** Marks the message as being handed to the server: from now until {@link #markSent}, its outcome is unknown. */
    void handingOver(String accountId, String key) {
        attempted(accountId, key, true);
    }

    /** The server refused the message before taking it (a reply code, a refused connection): nothing was delivered. */
    void notDelivered(String accountId, String key) {
        attempted(accountId, key, false);
    }

    private void attempted(String accountId, String key, boolean attempted) {
        db.sql("""
            UPDATE message_sends SET attempted = :attempted
             WHERE account_id = :accountId AND idempotency_key = :key AND status = 'sending'
            """)
            .param("attempted", attempted)
            .param("accountId", accountId)
            .param("key", key)
            .update();
    }

    /**
     * A reserved key: the output recorded when a message was already sent under it, and whether an earlier attempt
     * handed its message over and never learnt the outcome ({@link #handingOver}), so that sending again may deliver
     * it twice.
     */
    record Reserved(Optional<JsonNode> sent, boolean inDoubt) {}

    /** Reserves the key, and answers what earlier attempts under it left. */
    Reserved reserve(String accountId, String key, String kind) {
        db.sql("""
            INSERT INTO message_sends (account_id, idempotency_key, kind, status, created_at, updated_at)
            VALUES (:accountId, :key, :kind, 'sending', :now, :now)
            ON CONFLICT (account_id, idempotency_key) DO NOTHING
            """)
            .param("accountId", accountId)
            .param("key", key)
            .param("kind", kind)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update();
        return db.sql("""
            SELECT status, output, attempted FROM message_sends
             WHERE account_id = :accountId AND idempotency_key = :key
            """)
            .param("accountId", accountId)
            .param("key", key)
            .query((rs, row) -> rs.getString("status").equals("sent")
                ? new Reserved(Optional.of(json.readTree(rs.getString("output"))), false)
                : new Reserved(Optional.empty(), rs.getBoolean("attempted")))
            .single();
    }

    void markSent(String accountId, String key, JsonNode output) {
        db.sql("""
            UPDATE message_sends SET status = 'sent', output = CAST(:output AS jsonb), updated_at = :now
             WHERE account_id = :accountId AND idempotency_key = :key
            """)
            .param("accountId", accountId)
            .param("key", key)
            .param("output", json.writeValueAsString(output))
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update();
    }

    /**
     * Takes a promised message to send it now, as the sweep takes one ({@link #claimUnsent}): unless a sweep took it
     * since it was promised, and less than {@code before} ago. Two senders of one promise (the send after the commit
     * that promised it, waiting in a long queue, and a sweep that found it old) both sent it.
     */
    boolean claimPromised(String accountId, String key, java.time.Instant before) {
        return db.sql("""
            UPDATE message_sends SET updated_at = :now
             WHERE account_id = :accountId AND idempotency_key = :key AND status = 'sending'
               AND (updated_at = created_at OR updated_at < :before)
            """)
            .param("accountId", accountId)
            .param("key", key)
            .param("before", Timestamps.of(before))
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update() == 1;
    }

    /** A key reserved and not sent. */
    record Unsent(String accountId, String key) {}

    /**
     * A promised email not sent within this time is given up: a wrong address or a long-gone SMTP server would
     * otherwise be tried every minute forever, and a receipt that late helps nobody.
     */
    static final java.time.Duration GIVE_UP_AFTER = java.time.Duration.ofDays(3);

    /**
     * Keys starting with {@code prefix} still reserved but not sent, last touched before {@code before}; each one
     * found is touched, so that another node's sweep leaves it alone for a while. Promises older than
     * {@link #GIVE_UP_AFTER} are left alone.
     */
    java.util.List<Unsent> claimUnsent(String prefix, java.time.Instant before, int limit) {
        return db.sql("""
            UPDATE message_sends m SET updated_at = :now
             WHERE (m.account_id, m.idempotency_key) IN (
                   SELECT account_id, idempotency_key FROM message_sends
                    WHERE status = 'sending' AND left(idempotency_key, length(:prefix)) = :prefix
                      AND updated_at < :before AND created_at > :givenUpBefore
                    ORDER BY updated_at
                    LIMIT :limit
                      FOR UPDATE SKIP LOCKED)
            RETURNING m.account_id, m.idempotency_key
            """)
            .param("prefix", prefix)
            .param("before", Timestamps.of(before))
            .param("givenUpBefore", Timestamps.of(before.minus(GIVE_UP_AFTER)))
            .param("limit", limit)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .query((rs, row) -> new Unsent(rs.getString("account_id"), rs.getString("idempotency_key")))
            .list();
    }
}
