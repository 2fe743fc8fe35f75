package io.till.crm;

import io.till.action.ActionResult;
import java.time.Duration;

/** A CRM call that did not succeed, already judged: the step failure it becomes. */
final class CrmFailure extends RuntimeException {

    private final transient ActionResult.Failed failed;

    CrmFailure(String code, String message, boolean retryable, Duration retryAfter) {
        super(message);
        this.failed = new ActionResult.Failed(code, message, retryable, retryAfter);
    }

    static CrmFailure permanent(String code, String message) {
        return new CrmFailure(code, message, false, null);
    }

    ActionResult.Failed failed() {
        return failed;
    }
}
