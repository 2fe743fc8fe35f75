package io.till.billing;

import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The gateway's idempotency keys of an invoice's charges: one per attempt of its retry schedule (or staff's pay now),
 * one per automation step that retries it. A key names one money movement for good, so a retried request or a crash
 * never charges twice; the key also tells the invoice's page who made a charge.
 */
final class ChargeKeys {

    private static final String AUTOMATION = "automation:";
    private static final Pattern ATTEMPT = Pattern.compile("invoice:[^:]+:attempt:([0-9]{1,9})");

    private ChargeKeys() {}

    /** The gateway key of the invoice's attempt {@code attempt}: the retry schedule's, or staff's pay now. */
    static String attempt(String invoiceId, int attempt) {
        return "invoice:" + invoiceId + ":attempt:" + attempt;
    }

    /** The gateway key of an automation step's retry ({@code stepKey}, the step's own key). */
    static String retry(String stepKey) {
        return AUTOMATION + stepKey;
    }

    /** Which attempt of the retry schedule (or pay now) a charge made under {@code key} was; empty for any other. */
    static OptionalInt attemptOf(String key) {
        var matcher = ATTEMPT.matcher(key == null ? "" : key);
        return matcher.matches() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
    }

    /** Whether a charge made under {@code key} was an automation's retry. */
    static boolean retriedByAutomation(String key) {
        return key != null && key.startsWith(AUTOMATION);
    }
}
