package io.till.action;

import io.till.shared.Timestamps;
import java.time.Clock;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The step keys of outbound calls whose receiver cannot drop a repeat (a Slack post, a CRM automation enrolment), as
 * {@code send_email} keeps its own: reserved before the call, marked done after it. A step run again after it called
 * (a crash, a lost reply, a lease taken over) answers what the first call got and calls nothing; one run again after
 * a call whose outcome is unknown calls again, and its output says the receiver may have got it twice.
 */
@Repository
public class OutboundCalls {

    /** What an earlier attempt of the step did: nothing, a call of unknown outcome, or a call that succeeded. */
    public sealed interface Before {}

    public record Nothing() implements Before {}

    public record InDoubt() implements Before {}

    public record Done(JsonNode output) implements Before {}

    private final JdbcClient db;
    private final Clock clock;
    private final JsonMapper json;

    OutboundCalls(JdbcClient db, Clock clock, JsonMapper json) {
        this.db = db;
        this.clock = clock;
        this.json = json;
    }

    /** Reserves the step's key for a call about to be made, and says what an earlier attempt did. */
    public Before reserve(ActionCall call, String kind) {
        var now = Timestamps.of(Timestamps.now(clock));
        int inserted = db.sql("""
            INSERT INTO outbound_calls (account_id, idempotency_key, kind, status, created_at, updated_at)
            VALUES (:accountId, :key, :kind, 'calling', :now, :now)
            ON CONFLICT (account_id, idempotency_key) DO NOTHING
            """)
            .param("accountId", call.accountId())
            .param("key", call.idempotencyKey())
            .param("kind", kind)
            .param("now", now)
            .update();
        if (inserted == 1) {
            return new Nothing();
        }
        return db.sql("""
            SELECT status, output FROM outbound_calls WHERE account_id = :accountId AND idempotency_key = :key
            """)
            .param("accountId", call.accountId())
            .param("key", call.idempotencyKey())
            .query((rs, row) -> "done".equals(rs.getString("status"))
                ? (Before) new Done(json.readTree(rs.getString("output")))
                : new InDoubt())
            .optional()
            // Released between the two statements by an attempt that was refused: nothing was done.
            .orElseGet(() -> reserve(call, kind));
    }

    /** The call succeeded: a later attempt of the step answers {@code output} without calling. */
    public void done(ActionCall call, JsonNode output) {
        db.sql("""
            UPDATE outbound_calls SET status = 'done', output = CAST(:output AS jsonb), updated_at = :now
             WHERE account_id = :accountId AND idempotency_key = :key
            """)
            .param("accountId", call.accountId())
            .param("key", call.idempotencyKey())
            .param("output", json.writeValueAsString(output))
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update();
    }

    /**
     * Whether an answer with {@code status} says the receiver did nothing: a 4xx, or a 503 (not available). A 500, 502
     * or 504 may come from a gateway in front of it after it acted, and a redirect (not followed) from a receiver that
     * acted and then sent the caller elsewhere (POST, then 303), so the next attempt is in doubt.
     */
    public static boolean nothingDone(int status) {
        return status >= 400 && status < 500 || status == 503;
    }

    /**
     * The receiver refused the call, so this attempt did nothing: the next attempt is not in doubt, unless an earlier
     * one was ({@code before}), whose call may have reached the receiver whatever this one got.
     */
    public void refused(ActionCall call, Before before) {
        if (before instanceof InDoubt) {
            return;
        }
        db.sql("""
            DELETE FROM outbound_calls
             WHERE account_id = :accountId AND idempotency_key = :key AND status = 'calling'
            """)
            .param("accountId", call.accountId())
            .param("key", call.idempotencyKey())
            .update();
    }
}
