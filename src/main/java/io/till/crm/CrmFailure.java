package io.till.crm;

import io.till.action.ActionResult;
import io.till.egress.ConnectionFailure;
import java.time.Duration;

/** A CRM call that did not succeed, already judged: the step failure it becomes. */
final class CrmFailure extends RuntimeException {

    private final transient ActionResult.Failed failed;
    private final ConnectionFailure kind;

    CrmFailure(String code, String message, boolean retryable, Duration retryAfter) {
        this(code, message, retryable, retryAfter, null);
    }

    /** {@code kind}: why the CRM could not be reached, when it could not. */
    CrmFailure(String code, String message, boolean retryable, Duration retryAfter, ConnectionFailure kind) {
        super(message);
        this.failed = new ActionResult.Failed(code, message, retryable, retryAfter);
        this.kind = kind;
    }

    ConnectionFailure kind() {
        return kind;
    }

    static CrmFailure permanent(String code, String message) {
        return new CrmFailure(code, message, false, null);
    }

    ActionResult.Failed failed() {
        return failed;
    }
}
