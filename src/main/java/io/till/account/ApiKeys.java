package io.till.account;

import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.RealTime;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The API keys of every account, stored as prefix and hash. */
@Repository
public class ApiKeys {

    /** Recording every use would add a write to every API call; once a minute is precise enough to spot stale keys. */
    private static final Duration LAST_USED_PRECISION = Duration.ofMinutes(1);

    private static final RowMapper<ApiKey> API_KEY = (rs, row) -> {
        Instant revokedAt = Timestamps.read(rs, "revoked_at");
        return new ApiKey(rs.getString("id"), rs.getString("prefix"), rs.getString("name"),
            revokedAt == null ? ApiKey.Status.ACTIVE : ApiKey.Status.REVOKED, Timestamps.read(rs, "created_at"),
            Timestamps.read(rs, "last_used_at"), revokedAt, rs.getString("created_by"), rs.getString(
                "created_by_who"));
    };

    /** More accepted keys than any deployment uses: past it the cache starts over rather than grow without bound. */
    private static final int MAX_CACHED = 10_000;

    private final JdbcClient db;
    /** The real time: the holder of a key reads when it was made and last used against the calendar. */
    private final Clock clock;
    /**
     * Keys accepted lately, by the hash of the key presented, so that a client sending request after request is not
     * looked up and checked in the database each time (a query and a connection per call, the larger part of a small
     * request's cost). A key revoked on this node leaves the cache at once ({@link #revoke}); one revoked on another
     * node is refused here once its entry is older than {@code cacheTime} (TILL_API_KEY_CACHE_TIME, 5 s by default).
     * A refused key is never cached: a key presented for the first time is always checked against the database.
     */
    private final Map<String, Cached> accepted = new ConcurrentHashMap<>();
    /** Counts revocations on this node: an entry read before a revocation must not enter the cache after it. */
    private final AtomicLong revocations = new AtomicLong();
    private final Duration cacheTime;

    private final TransactionTemplate transaction;

    ApiKeys(JdbcClient db, @RealTime Clock clock, @Value("${till.api-keys.cache-time:5s}") Duration cacheTime,
        TransactionTemplate transaction) {
        this.transaction = transaction;
        this.db = db;
        this.clock = clock;
        if (cacheTime.isNegative() || cacheTime.compareTo(MAX_CACHE_TIME) > 0) {
            // Another node's revocation is heard of only when an entry runs out: an hour would let a leaked key
            // work for an hour after it was revoked.
            throw new IllegalArgumentException("till.api-keys.cache-time (TILL_API_KEY_CACHE_TIME) is " + cacheTime
                + ": it must be between 0 and " + MAX_CACHE_TIME.toSeconds() + " s, the longest a key revoked on "
                + "another node may still be accepted here");
        }
        this.cacheTime = cacheTime;
    }

    /** The longest a node may trust a key it accepted: a key revoked elsewhere is refused here within it. */
    static final Duration MAX_CACHE_TIME = Duration.ofMinutes(1);

    private record Cached(Caller.ApiKey caller, Instant until) {}

    /** The outcome of presenting a key. */
    public sealed interface Authentication {
        record Accepted(Caller.ApiKey caller) implements Authentication {}

        record Rejected(ErrorCode code, String detail) implements Authentication {}
    }

    /**
     * A new key of the account, made by {@code by}: a staff member, or a key (which then answers for it: revoking that
     * key revokes this one too, so a leaked key cannot leave one behind that outlives it); null for Till itself.
     */
    public ApiKey.Created create(Account account, String name, Caller by) {
        return insert(account, ApiKeyFormat.generate(account.mode()), name, by, id -> {
        });
    }

    /** As {@link #create(Account, String, Caller)}, {@code alsoWritten} told the new key's id in its transaction. */
    ApiKey.Created create(Account account, String name, Caller by, java.util.function.Consumer<String> alsoWritten) {
        return insert(account, ApiKeyFormat.generate(account.mode()), name, by, alsoWritten);
    }

    /** Stores a key chosen by the operator (TILL_BOOTSTRAP_API_KEY), after checking its shape and mode. */
    ApiKey.Created insertChosen(Account account, String key, String name) {
        var parsed = ApiKeyFormat.parse(key)
            .orElseThrow(
                () -> new IllegalArgumentException("must look like till_<mode>_<key id>_<secret>, the key id "
                    + "1-32 letters or digits and the secret 32-128 letters or digits"));
        if (parsed.mode() != account.mode()) {
            throw new IllegalArgumentException("is a " + parsed.mode().code() + " key but the account is in "
                + account.mode().code() + " mode");
        }
        return insert(account, key, name, null, id -> {
        });
    }

    private ApiKey.Created insert(Account account, String key, String name, Caller by,
        java.util.function.Consumer<String> alsoWritten) {
        var parsed = ApiKeyFormat.parse(key).orElseThrow();
        String id = Ids.newId("key");
        Instant now = Timestamps.now(clock);
        transaction.executeWithoutResult(status -> {
            if (by instanceof Caller.ApiKey maker) {
                requireActive(maker);
            }
            db.sql("""
                INSERT INTO api_keys (id, account_id, prefix, key_hash, name, created_at, created_by, created_by_who,
                                      created_by_key_id)
                VALUES (:id, :accountId, :prefix, :hash, :name, :createdAt, :createdBy, :who, :byKey)
                """)
                .param("id", id)
                .param("accountId", account.id())
                .param("prefix", parsed.prefix())
                .param("hash", ApiKeyFormat.hash(key))
                .param("name", name)
                .param("createdAt", Timestamps.of(now))
                .param("createdBy", switch (by) {
                    case null -> "till";
                    case Caller.Staff staff -> "staff";
                    case Caller.ApiKey apiKey -> "api_key";
                })
                .param("who", switch (by) {
                    case null -> null;
                    case Caller.Staff staff -> staff.email();
                    case Caller.ApiKey apiKey -> apiKey.apiKeyId();
                })
                .param("byKey", by instanceof Caller.ApiKey apiKey ? apiKey.apiKeyId() : null)
                .update();
            alsoWritten.accept(id);
        });
        return new ApiKey.Created(id, key, parsed.prefix(), name, now);
    }

    public Authentication authenticate(String presented) {
        if (presented == null) {
            return malformed();
        }
        byte[] hash = ApiKeyFormat.hash(presented);
        String cacheKey = HexFormat.of().formatHex(hash);
        Instant now = Timestamps.now(clock);
        Cached cached = accepted.get(cacheKey);
        // Only keys the database accepted are remembered, well-formed all: a hit needs no other check (checking the
        // shape first took 2 % of a posted event's CPU in bench/ingest).
        if (cached != null && now.isBefore(cached.until())) {
            return new Authentication.Accepted(cached.caller());
        }
        var parsed = ApiKeyFormat.parse(presented);
        if (parsed.isEmpty()) {
            return malformed();
        }
        long revokedBefore = revocations.get();
        record Stored(String id, String accountId, byte[] hash, Instant lastUsedAt, Instant revokedAt) {}
        var stored = db.sql("""
            SELECT id, account_id, key_hash, last_used_at, revoked_at
              FROM api_keys
             WHERE prefix = :prefix
            """)
            .param("prefix", parsed.get().prefix())
            .query((rs, row) -> new Stored(rs.getString("id"), rs.getString("account_id"), rs.getBytes("key_hash"),
                Timestamps.read(rs, "last_used_at"), Timestamps.read(rs, "revoked_at")))
            .optional();
        if (stored.isEmpty() || !MessageDigest.isEqual(stored.get().hash(), hash)) {
            return new Authentication.Rejected(ErrorCode.API_KEY_INVALID, "The API key is not valid.");
        }
        // Only the true holder of the key learns that it was revoked.
        var key = stored.get();
        if (key.revokedAt() != null) {
            return new Authentication.Rejected(ErrorCode.API_KEY_REVOKED,
                "This API key was revoked at " + key.revokedAt() + ". Create a new one.");
        }
        // The cache holds an entry for less than this precision, so a key in steady use is still marked each minute.
        if (key.lastUsedAt() == null || key.lastUsedAt().isBefore(now.minus(LAST_USED_PRECISION))) {
            db.sql("UPDATE api_keys SET last_used_at = :now WHERE id = :id")
                .param("now", Timestamps.of(now))
                .param("id", key.id())
                .update();
        }
        var caller = new Caller.ApiKey(key.accountId(), key.id());
        remember(cacheKey, new Cached(caller, now.plus(cacheTime)), revokedBefore);
        return new Authentication.Accepted(caller);
    }

    private static Authentication malformed() {
        return new Authentication.Rejected(ErrorCode.API_KEY_INVALID,
            "The API key is malformed. Keys look like till_sandbox_<id>_<secret>.");
    }

    private void remember(String cacheKey, Cached entry, long revokedBefore) {
        if (accepted.size() >= MAX_CACHED) {
            accepted.clear();
        }
        accepted.put(cacheKey, entry);
        // A revocation since the key was read may have evicted before the put: take the entry back out. (A revocation
        // counts before it evicts, so either it sees this entry or this check sees its count.)
        if (revocations.get() != revokedBefore) {
            accepted.remove(cacheKey, entry);
        }
    }

    /** Forgets the cached acceptance of a key, now and, inside a transaction, again once the revocation commits. */
    private void forget(String id) {
        revocations.incrementAndGet();
        accepted.values().removeIf(entry -> entry.caller().apiKeyId().equals(id));
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // Until the commit, another request still reads the key as active and may cache it again.
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    revocations.incrementAndGet();
                    accepted.values().removeIf(entry -> entry.caller().apiKeyId().equals(id));
                }
            });
        }
    }

    public ApiKey get(String accountId, String id) {
        return db.sql("""
            SELECT id, prefix, name, created_at, last_used_at, revoked_at, created_by, created_by_who
              FROM api_keys
             WHERE account_id = :accountId AND id = :id
            """)
            .param("accountId", accountId)
            .param("id", id)
            .query(API_KEY)
            .optional()
            .orElseThrow(() -> TillException.notFound("api_key", id));
    }

    public Page<ApiKey> list(String accountId, ApiKey.Status status, PageRequest page) {
        var keys = db.sql("""
            SELECT id, prefix, name, created_at, last_used_at, revoked_at, created_by, created_by_who
              FROM api_keys
             WHERE account_id = :accountId
               AND (CAST(:afterId AS text) IS NULL OR id < :afterId)
               AND (CAST(:status AS text) IS NULL
                    OR (:status = 'active') = (revoked_at IS NULL))
             ORDER BY id DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("afterId", page.afterId())
            .param("status", status == null ? null : status.code())
            .param("limit", page.fetchSize())
            .query(API_KEY)
            .list();
        return page.page(keys, ApiKey::id);
    }

    /**
     * Holds the key that makes another as active until the new one is written: a revocation of it meanwhile waits,
     * then finds the new key to revoke with it; one that came first refuses the making.
     */
    private void requireActive(Caller.ApiKey maker) {
        db.sql("SELECT id FROM api_keys WHERE account_id = :accountId AND id = :id AND revoked_at IS NULL FOR SHARE")
            .param("accountId", maker.accountId())
            .param("id", maker.apiKeyId())
            .query(String.class)
            .optional()
            .orElseThrow(() -> new TillException(ErrorCode.API_KEY_REVOKED, "This API key was revoked: it makes no "
                + "new keys."));
    }

    /**
     * Revokes a key at once, with every key it made, and the keys those made: a leaked key's own keys go with it.
     * Revoking a revoked key changes nothing and answers the same. Answers the key and how many others went with it.
     * Swept again until a sweep finds none: a key made at that moment by one of them (which held its maker while it
     * was written, {@link #requireActive}) is found by the next.
     */
    public Revoked revoke(String accountId, String id) {
        get(accountId, id);
        var revoked = new java.util.ArrayList<String>();
        transaction.executeWithoutResult(status -> {
            List<String> swept;
            do {
                swept = sweep(accountId, id);
                revoked.addAll(swept);
            } while (!swept.isEmpty());
        });
        revoked.forEach(this::forget);
        // Revoked already (on another node, say): this node's entry goes all the same, rather than live out its time.
        forget(id);
        return new Revoked(get(accountId, id), (int) revoked.stream().filter(other -> !other.equals(id)).count());
    }

    private List<String> sweep(String accountId, String id) {
        // The keys locked first, in one order: two revocations of overlapping families (a key, and a key it made)
        // then wait for each other rather than deadlock over rows taken in the plan's order.
        List<String> family = db.sql("""
            WITH RECURSIVE made (id) AS (
                SELECT CAST(:id AS text)
                UNION
                SELECT k.id FROM api_keys k JOIN made ON k.created_by_key_id = made.id
                 WHERE k.account_id = :accountId
            )
            SELECT id FROM api_keys
             WHERE account_id = :accountId AND id IN (SELECT id FROM made) AND revoked_at IS NULL
             ORDER BY id
               FOR NO KEY UPDATE
            """)
            .param("accountId", accountId)
            .param("id", id)
            .query(String.class)
            .list();
        if (family.isEmpty()) {
            return family;
        }
        return db.sql("""
            UPDATE api_keys SET revoked_at = :now
             WHERE account_id = :accountId AND id = ANY(:ids) AND revoked_at IS NULL
            RETURNING id
            """)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("ids", family.toArray(String[]::new))
            .query(String.class)
            .list();
    }

    /** A revoked key, and how many keys it made (or keys they made) were revoked with it just now. */
    public record Revoked(ApiKey key, int alsoRevoked) {}

    /**
     * How many keys a staff member made (by their email) still work: a key is the account's, not its maker's, and stays
     * when they leave, which whoever removes them is told.
     */
    public int activeMadeBy(String accountId, String email) {
        return db.sql("""
            SELECT count(*) FROM api_keys
             WHERE account_id = :accountId AND created_by = 'staff' AND created_by_who = :email AND revoked_at IS NULL
            """)
            .param("accountId", accountId)
            .param("email", email)
            .query(Integer.class)
            .single();
    }
}
