package io.till.idempotency;

import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Ties an {@code Idempotency-Key} to the money movement its request makes, named by the gateway's key of the charge or
 * refund ({@code order:<id>}, {@code refund:<id>}, …). A request that crashed or failed after reaching it is never run
 * again blindly: the same request coming back is told which movement its earlier attempt reached, and resumes it (the
 * gateway's word says whether the money moved) instead of starting a new one. Outside a request with an
 * Idempotency-Key, nothing is tied and nothing is resumed.
 */
@Component
public class MoneyMovements {

    /** The key the current request holds, set by the {@link IdempotencyFilter} around the handler. */
    record Lease(String accountId, String key, String token, String reachedBefore) {}

    private static final ThreadLocal<Lease> CURRENT = new ThreadLocal<>();

    private final IdempotencyRecords records;

    MoneyMovements(IdempotencyRecords records) {
        this.records = records;
    }

    static void enter(Lease lease) {
        CURRENT.set(lease);
    }

    static void leave() {
        CURRENT.remove();
    }

    /** The movement an earlier attempt of the current request reached: resume it rather than move money anew. */
    public Optional<String> reachedBefore() {
        return Optional.ofNullable(CURRENT.get()).map(Lease::reachedBefore);
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
}
