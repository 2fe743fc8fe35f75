package io.till.crm;

import io.till.action.ActionResult;
import io.till.egress.ConnectionFailure;
import java.time.Duration;

/** A CRM call that did not succeed, already judged: the step failure it becomes. */
final class CrmFailure extends RuntimeException {

    private final transient ActionResult.Failed failed;
    private final ConnectionFailure kind;
    /** The status the CRM answered with, when this failure is its answer. */
    private final Integer status;

    CrmFailure(String code, String message, boolean retryable, Duration retryAfter) {
        this(code, message, retryable, retryAfter, null, null);
    }

    /** {@code kind}: why the CRM could not be reached, when it could not. */
    CrmFailure(String code, String message, boolean retryable, Duration retryAfter, ConnectionFailure kind) {
        this(code, message, retryable, retryAfter, kind, null);
    }

    private CrmFailure(String code, String message, boolean retryable, Duration retryAfter, ConnectionFailure kind,
        Integer status) {
        super(message);
        this.failed = new ActionResult.Failed(code, message, retryable, retryAfter);
        this.kind = kind;
        this.status = status;
    }

    /** The CRM's answer {@code status}, judged as the step failure it becomes. */
    static CrmFailure answered(int status, String code, String message, boolean retryable, Duration retryAfter) {
        return new CrmFailure(code, message, retryable, retryAfter, null, status);
    }

    ConnectionFailure kind() {
        return kind;
    }

    /**
     * Whether nothing was done: the CRM answered no, or the call never reached it. Not a 500, 502 or 504, which a
     * gateway may answer after the CRM acted ({@link io.till.action.OutboundCalls#nothingDone}), nor a call that timed
     * out waiting for its answer.
     */
    boolean answeredNo() {
        return kind == null
            ? status == null || io.till.action.OutboundCalls.nothingDone(status)
            : kind.nothingSent();
    }

    static CrmFailure permanent(String code, String message) {
        return new CrmFailure(code, message, false, null);
    }

    ActionResult.Failed failed() {
        return failed;
    }
}
