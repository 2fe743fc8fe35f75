package io.till.idempotency;

import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Ties an {@code Idempotency-Key} to the effect its request makes that must never be made twice: a money movement,
 * named by the gateway's key of the charge or refund ({@code order:<id>}, {@code refund:<id>}, …), or a record it
 * writes ({@code event:<id>}, {@code credit:<id>}, …). A request that crashed or failed after reaching it is never run
 * again blindly: the same request coming back is told what its earlier attempt reached, and resumes a movement (the
 * gateway's word says whether the money moved) or answers the record written, instead of making a new one. Outside a
 * request with an Idempotency-Key, nothing is tied and nothing is resumed.
 */
@Component
public class RequestEffects {

    /** The key the current request holds, set by the {@link IdempotencyFilter} around the handler. */
    record Lease(String accountId, String key, String token, String reachedBefore) {}

    private static final ThreadLocal<Lease> CURRENT = new ThreadLocal<>();

    private final IdempotencyRecords records;

    RequestEffects(IdempotencyRecords records) {
        this.records = records;
    }

    static void enter(Lease lease) {
        CURRENT.set(lease);
    }

    static void leave() {
        CURRENT.remove();
    }

    /** Whether the current request holds an Idempotency-Key, whose effects are then tied to it. */
    public boolean keyed() {
        return CURRENT.get() != null;
    }

    /** The effect an earlier attempt of the current request reached: resume it rather than make it anew. */
    public Optional<String> reachedBefore() {
        return Optional.ofNullable(CURRENT.get()).map(Lease::reachedBefore);
    }

    /**
     * What an earlier attempt of the current request recorded as {@code kind} ({@link #recorded}): the id or ids it
     * wrote, to answer instead of writing them again.
     */
    public Optional<String> recordedBefore(String kind) {
        String prefix = kind + ":";
        return reachedBefore().filter(effect -> effect.startsWith(prefix)).map(effect -> effect.substring(prefix
            .length()));
    }

    /**
     * Records that the current request is about to move money under {@code gatewayKey}; call it inside the transaction
     * that prepares the movement, before the gateway is asked. Refuses when the request no longer holds its key (a
     * retry took it over, taking this attempt for dead), so that an attempt presumed dead never moves money.
     */
    public void reaching(String gatewayKey) {
        Lease lease = CURRENT.get();
        if (lease != null && !records.reach(lease.accountId(), lease.key(), lease.token(), gatewayKey)) {
            throw new TillException(ErrorCode.IDEMPOTENCY_REQUEST_IN_PROGRESS, "A retry with this Idempotency-Key "
                + "took this request over. Retry it in a moment to get its response.");
        }
    }

    /**
     * Records that the current request wrote {@code ids} (one, or several joined by commas) as {@code kind}; call it
     * inside the transaction that writes them, so that they and the mark commit together. Refuses, rolling them back,
     * when a retry took the key over.
     */
    public void recorded(String kind, String ids) {
        reaching(kind + ":" + ids);
    }
}
