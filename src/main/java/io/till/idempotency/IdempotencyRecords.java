package io.till.idempotency;

import io.till.shared.Ids;
import io.till.shared.RealTime;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The stored outcomes of idempotent requests. A request first {@link #claim claims} its key; the claim tells it to go
 * ahead (holding a lease), to replay a stored response, or that it collides with another request.
 */
@Repository
class IdempotencyRecords {

    /** How long a key and its stored response are kept. */
    static final Duration RETENTION = Duration.ofHours(24);

    /**
     * A request still in flight after this long is taken for dead (its node crashed) and a retry of the same request
     * may take the key over. Far above any request's duration, so a slow request is never run twice.
     */
    static final Duration LEASE = Duration.ofMinutes(5);

    private final JdbcClient db;
    /** The real time: a client retries on its own clock, which the sandbox test clock does not move. */
    private final Clock clock;

    IdempotencyRecords(JdbcClient db, @RealTime Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    sealed interface Claim {
        /**
         * The key is this request's: run it, then {@link #complete} or {@link #release} with the token. A
         * An {@code effect} says that an earlier attempt of the same request reached it: resume it, never make a
         * new one.
         */
        record Acquired(String leaseToken, String effect) implements Claim {}

        /** The same request ran before: answer with its stored response. */
        record Replay(StoredResponse response) implements Claim {}

        /** The key was used for a different request. */
        record Mismatch() implements Claim {}

        /** The same key is held by a request still running. */
        record InFlight() implements Claim {}
    }

    record StoredResponse(int status, String contentType, String location, byte[] body) {}

    Claim claim(String accountId, String key, byte[] fingerprint) {
        // A deleted row (released by its owner between our insert and our read) is claimed again on the next turn.
        for (int attempt = 0; attempt < 3; attempt++) {
            Instant now = Timestamps.now(clock);
            String token = Ids.randomToken(26);
            Optional<Reached> acquired = db.sql("""
                INSERT INTO idempotency_keys (account_id, idempotency_key, request_fingerprint, state, lease_token,
                                              lease_expires_at, created_at)
                VALUES (:accountId, :key, :fingerprint, 'in_flight', :token, :leaseExpiresAt, :now)
                ON CONFLICT (account_id, idempotency_key) DO UPDATE
                   SET request_fingerprint = excluded.request_fingerprint,
                       state = 'in_flight',
                       lease_token = excluded.lease_token,
                       lease_expires_at = excluded.lease_expires_at,
                       response_status = NULL,
                       response_content_type = NULL,
                       response_location = NULL,
                       response_body = NULL,
                       effect = CASE WHEN idempotency_keys.created_at < :expiredBefore THEN NULL
                                             ELSE idempotency_keys.effect END,
                       created_at = excluded.created_at
                 WHERE idempotency_keys.created_at < :expiredBefore
                    OR (idempotency_keys.request_fingerprint = excluded.request_fingerprint
                        AND (idempotency_keys.state = 'interrupted'
                             OR (idempotency_keys.state = 'in_flight'
                                 AND idempotency_keys.lease_expires_at < :now)))
                RETURNING effect
                """)
                .param("accountId", accountId)
                .param("key", key)
                .param("fingerprint", fingerprint)
                .param("token", token)
                .param("leaseExpiresAt", Timestamps.of(now.plus(LEASE)))
                .param("now", Timestamps.of(now))
                .param("expiredBefore", Timestamps.of(now.minus(RETENTION)))
                .query((rs, row) -> new Reached(rs.getString("effect")))
                .optional();
            if (acquired.isPresent()) {
                return new Claim.Acquired(token, acquired.get().effect());
            }
            Optional<Claim> existing = db.sql("""
                SELECT request_fingerprint, state, response_status, response_content_type, response_location,
                       response_body
                  FROM idempotency_keys
                 WHERE account_id = :accountId AND idempotency_key = :key
                """)
                .param("accountId", accountId)
                .param("key", key)
                .<Claim>query((rs, row) -> {
                    if (!Arrays.equals(rs.getBytes("request_fingerprint"), fingerprint)) {
                        return new Claim.Mismatch();
                    }
                    if (!rs.getString("state").equals("completed")) {
                        return new Claim.InFlight();
                    }
                    return new Claim.Replay(new StoredResponse(rs.getInt("response_status"),
                        rs.getString("response_content_type"), rs.getString("response_location"),
                        rs.getBytes("response_body")));
                })
                .optional();
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        return new Claim.InFlight();
    }

    /** Stores the response of the request holding the lease; a lease lost to a takeover stores nothing. */
    void complete(String accountId, String key, String leaseToken, StoredResponse response) {
        db.sql("""
            UPDATE idempotency_keys
               SET state = 'completed', lease_token = NULL, lease_expires_at = NULL,
                   response_status = :status, response_content_type = :contentType,
                   response_location = :location, response_body = :body
             WHERE account_id = :accountId AND idempotency_key = :key AND lease_token = :token
            """)
            .param("status", response.status())
            .param("contentType", response.contentType())
            .param("location", response.location())
            .param("body", response.body())
            .param("accountId", accountId)
            .param("key", key)
            .param("token", leaseToken)
            .update();
    }

    /**
     * Frees the key so that the request can be tried again, e.g. after it failed before doing anything. A request that
     * reached an effect (a money movement, a record written) keeps its key instead, {@code interrupted}: only the same
     * request may take it over, to resume that movement or answer that record.
     */
    void release(String accountId, String key, String leaseToken) {
        int deleted = db.sql("""
            DELETE FROM idempotency_keys
             WHERE account_id = :accountId AND idempotency_key = :key AND lease_token = :token
               AND effect IS NULL
            """)
            .param("accountId", accountId)
            .param("key", key)
            .param("token", leaseToken)
            .update();
        if (deleted == 0) {
            db.sql("""
                UPDATE idempotency_keys SET state = 'interrupted', lease_token = NULL, lease_expires_at = NULL
                 WHERE account_id = :accountId AND idempotency_key = :key AND lease_token = :token
                """)
                .param("accountId", accountId)
                .param("key", key)
                .param("token", leaseToken)
                .update();
        }
    }

    /**
     * Ties the key, while this lease holds it, to the effect its request is about to make (inside the transaction that
     * prepares or writes it). False when the lease was lost: another attempt took the key over.
     */
    boolean reach(String accountId, String key, String leaseToken, String effect) {
        return db.sql("""
            UPDATE idempotency_keys SET effect = :effect
             WHERE account_id = :accountId AND idempotency_key = :key AND lease_token = :token
            """)
            .param("effect", effect)
            .param("accountId", accountId)
            .param("key", key)
            .param("token", leaseToken)
            .update() == 1;
    }

    private record Reached(String effect) {}

    /** Deletes keys past their retention; returns how many. */
    int deleteExpired() {
        return db.sql("DELETE FROM idempotency_keys WHERE created_at < :expiredBefore")
            .param("expiredBefore", Timestamps.of(Timestamps.now(clock).minus(RETENTION)))
            .update();
    }
}
