package io.till.billing;

import io.till.shared.FieldError;
import io.till.shared.TillException;
import java.util.ArrayList;

/**
 * Why a subscription is canceled and who asked: an optional reason (in the portal one of the seller's listed reasons, or
 * {@code other}), optional free text, and whether the buyer or staff canceled. Blank text counts as none.
 */
public record Cancellation(String reason, String text, By by) {

    public static final int MAX_REASON = 200;
    public static final int MAX_TEXT = 500;

    /** Who canceled; stored and shown in lower case. */
    public enum By {
        STAFF,
        CUSTOMER;

        String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Cancellation {
        reason = reason == null || reason.isBlank() ? null : reason.strip();
        text = text == null || text.isBlank() ? null : text.strip();
        var errors = new ArrayList<FieldError>();
        if (reason != null && reason.length() > MAX_REASON) {
            errors.add(new FieldError("reason", "too_long", "must be at most " + MAX_REASON + " characters"));
        }
        if (text != null && text.length() > MAX_TEXT) {
            errors.add(new FieldError("reason_text", "too_long", "must be at most " + MAX_TEXT + " characters"));
        }
        if (!errors.isEmpty()) {
            throw TillException.invalid(errors);
        }
        if (by == null) {
            throw new IllegalArgumentException("who canceled is required");
        }
    }

    static Cancellation byStaff(String reason, String text) {
        return new Cancellation(reason, text, By.STAFF);
    }
}
