package io.till.shared;

import org.springframework.http.HttpStatus;

/** The catalog of stable error codes an API client can program against; each maps to one HTTP status. */
public enum ErrorCode {
    API_KEY_MISSING(HttpStatus.UNAUTHORIZED, "API key missing"),
    API_KEY_INVALID(HttpStatus.UNAUTHORIZED, "API key invalid"),
    API_KEY_REVOKED(HttpStatus.UNAUTHORIZED, "API key revoked"),
    CARD_DECLINED(HttpStatus.PAYMENT_REQUIRED, "Card declined"),
    /** The processor refused to give the money back (already refunded, disputed, too old): nothing was refunded. */
    REFUND_DECLINED(HttpStatus.UNPROCESSABLE_CONTENT, "Refund declined"),
    /**
     * The payment gateway cannot move the amount exactly in its currency (Stripe takes KWD, BHD, JOD, OMR and TND only
     * in tens of their minor unit): nothing was charged or refunded.
     */
    AMOUNT_NOT_SUPPORTED(HttpStatus.UNPROCESSABLE_CONTENT, "Amount not supported by the payment gateway"),
    FORBIDDEN(HttpStatus.FORBIDDEN, "Forbidden"),
    LIVE_MODE(HttpStatus.FORBIDDEN, "Not available in live mode"),
    NOT_FOUND(HttpStatus.NOT_FOUND, "Not found"),
    ROUTE_NOT_FOUND(HttpStatus.NOT_FOUND, "No such endpoint"),
    VALIDATION_FAILED(HttpStatus.BAD_REQUEST, "Validation failed"),
    MALFORMED_REQUEST(HttpStatus.BAD_REQUEST, "Malformed request"),
    AMOUNT_TOO_LARGE(HttpStatus.BAD_REQUEST, "Amount too large"),
    IDEMPOTENCY_KEY_INVALID(HttpStatus.BAD_REQUEST, "Idempotency key invalid"),
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
    IDEMPOTENCY_REQUEST_IN_PROGRESS(HttpStatus.CONFLICT, "Request with this idempotency key in progress"),
    EMAIL_TAKEN(HttpStatus.CONFLICT, "Email already in use"),
    INVALID_STATE(HttpStatus.CONFLICT, "Not possible in the current state"),
    /**
     * A charge of the invoice is at the gateway: another charge, or a change to what the invoice owes (credit, void,
     * cancel), waits until it has ended, moments later. Nothing was done; send it again then.
     */
    CHARGE_IN_PROGRESS(HttpStatus.CONFLICT, "A charge is in progress"),
    /** Till converts no money: a line priced in another currency than its order's is refused, nothing is charged. */
    CURRENCY_MISMATCH(HttpStatus.CONFLICT, "Currency mismatch"),
    PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "Payload too large"),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    IDEMPOTENCY_KEY_REUSED(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency key reused with a different request"),
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error"),
    SERVICE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable"),
    DATABASE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Database unavailable"),
    BUSY(HttpStatus.SERVICE_UNAVAILABLE, "Too many requests at once"),
    GATEWAY_NOT_CONFIGURED(HttpStatus.SERVICE_UNAVAILABLE, "Payment gateway not configured"),
    GATEWAY_UNAVAILABLE(HttpStatus.BAD_GATEWAY, "Payment gateway unavailable");

    private final HttpStatus status;
    private final String title;

    ErrorCode(HttpStatus status, String title) {
        this.status = status;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The code as clients see it, e.g. {@code api_key_revoked}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
