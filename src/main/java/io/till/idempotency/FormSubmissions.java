package io.till.idempotency;

import io.till.shared.ErrorCode;
import io.till.shared.Ids;
import io.till.shared.TillException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * The {@code Idempotency-Key} mechanism for dashboard forms, which cannot send headers: a form that moves money or
 * changes state carries a one-time key, rendered with the page, so that a double click or a resubmitted form does the work once. The same store, the
 * same lease and the same {@link RequestEffects} as the API's keys: a submission that reached a refund and failed
 * resumes it rather than refunding again. The stored outcome is the message the page showed the first time.
 */
@Component
public class FormSubmissions {

    /** The hidden field of a form that holds its key. */
    public static final String FIELD = "form_key";

    /** What a form's key is kept under, apart from the API's Idempotency-Keys (which may not begin with it). */
    static final String NAMESPACE = "form:";

    private static final Pattern VALID_KEY = Pattern.compile("[A-Za-z0-9_-]{8,100}");
    /** How long a form's second submit waits for the first to finish, to answer as it did. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(100);

    private final IdempotencyRecords records;

    FormSubmissions(IdempotencyRecords records) {
        this.records = records;
    }

    /** A fresh key for one form of a page being rendered, sent back in its hidden {@value #FIELD} field. */
    public static String newKey() {
        return Ids.randomToken(26);
    }

    /**
     * Runs {@code action} once for this form key and answers its message; the same key again answers the first
     * message without running anything. {@code request} names what the form asks (its path, then {@code ?} and its
     * fields): the same key with the same path and other fields is refused. A refusal ({@link TillException}) frees
     * the key, since it changed nothing.
     */
    public String once(String accountId, String formKey, String request, Supplier<String> action) {
        if (formKey == null || !VALID_KEY.matcher(formKey).matches()) {
            throw new TillException(ErrorCode.IDEMPOTENCY_KEY_INVALID, "This form has expired. Reload the page and "
                + "try again.");
        }
        // A namespace of their own, so that a form's key can never meet one an API client chose. A page's forms share
        // the key it was rendered with: each form (its path, before the fields) keeps its own submission under it, so
        // that another form of a page restored by Back is not "sent for something else"; the same form with other
        // fields still is.
        int fields = request.indexOf('?');
        String key = NAMESPACE + formKey + " " + (fields < 0 ? request : request.substring(0, fields));
        byte[] fingerprint = RequestFingerprint.of("POST", request, new byte[0]);
        var claim = records.claim(accountId, key, fingerprint);
        // A double click: the second submit waits for the first and answers its message, rather than "in progress".
        for (long waited = 0; claim instanceof IdempotencyRecords.Claim.InFlight
            && waited < PATIENCE.toMillis(); waited += POLL.toMillis()) {
            LockSupport.parkNanos(POLL.toNanos());
            claim = records.claim(accountId, key, fingerprint);
        }
        return switch (claim) {
            case IdempotencyRecords.Claim.Acquired acquired -> run(accountId, key, acquired, action);
            case IdempotencyRecords.Claim.Replay replay -> new String(replay.response().body(),
                StandardCharsets.UTF_8);
            case IdempotencyRecords.Claim.Mismatch ignored -> throw new TillException(
                ErrorCode.IDEMPOTENCY_KEY_REUSED, "This form was already sent for something else. Reload the page "
                    + "and try again.");
            case IdempotencyRecords.Claim.InFlight ignored -> throw new TillException(
                ErrorCode.IDEMPOTENCY_REQUEST_IN_PROGRESS, "This form is still being processed. Reload the page in "
                    + "a moment to see its result.");
        };
    }

    private String run(String accountId, String key, IdempotencyRecords.Claim.Acquired acquired,
        Supplier<String> action) {
        String token = acquired.leaseToken();
        RequestEffects.enter(new RequestEffects.Lease(accountId, key, token, acquired.effect()));
        String message;
        try {
            message = action.get();
        } catch (RuntimeException e) {
            records.release(accountId, key, token);
            throw e;
        } finally {
            RequestEffects.leave();
        }
        records.complete(accountId, key, token, new IdempotencyRecords.StoredResponse(200,
            "text/plain;charset=UTF-8", null, message.getBytes(StandardCharsets.UTF_8)));
        return message;
    }
}
