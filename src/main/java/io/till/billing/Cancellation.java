package io.till.billing;

import io.till.shared.Caller;
import io.till.shared.FieldError;
import io.till.shared.FieldErrors;
import io.till.shared.TillException;
import java.util.ArrayList;
import java.util.List;

/**
 * Why a subscription is canceled and who asked: an optional reason (in the portal one of the seller's listed reasons, or
 * {@code other}), optional free text, and whether the buyer or staff canceled; for staff, {@code who} names them (their
 * email, or "the API" for a key), null for the buyer. Blank text counts as none.
 */
public record Cancellation(String reason, String text, By by, String who) {

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
        text = text == null || text.isBlank() ? null : lines(text.strip());
        var errors = problems(reason, text);
        if (!errors.isEmpty()) {
            throw TillException.invalid(errors);
        }
        if (by == null) {
            throw new IllegalArgumentException("who canceled is required");
        }
    }

    /**
     * What is wrong with a reason and its text: too long, or control characters (line breaks and tabs are fine in the
     * text). Empty when nothing is.
     */
    public static List<FieldError> problems(String reason, String text) {
        var errors = new ArrayList<FieldError>();
        if (reason != null
            && (reason.strip().length() > MAX_REASON || !FieldErrors.isOneLine(reason))) {
            errors.add(new FieldError("reason", "invalid_value", "must be at most " + MAX_REASON
                + " characters of plain text"));
        }
        if (text != null && (lines(text.strip()).length() > MAX_TEXT
            || !FieldErrors.isPlainText(text))) {
            errors.add(new FieldError("reason_text", "invalid_value", "must be at most " + MAX_TEXT
                + " characters of plain text"));
        }
        return errors;
    }

    /**
     * Line breaks as one character each: a browser counts a textarea's {@code maxlength} so, and sends each as CRLF, so
     * that a note it allowed would be refused as too long.
     */
    private static String lines(String text) {
        return text.replace("\r\n", "\n");
    }

    /** A cancellation by the seller's side: {@code caller} a staff member (named by email) or an API key. */
    static Cancellation byStaff(String reason, String text, Caller caller) {
        return new Cancellation(reason, text, By.STAFF, caller.who());
    }
}
