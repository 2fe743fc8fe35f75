package io.till.payment;

import io.till.shared.ErrorCode;
import io.till.shared.FieldError;
import io.till.shared.TillException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway refused a card: when it was saved, or charged. {@code field} is the request's field that named the card;
 * the decline code (the field error's code, and {@code decline_code} of the problem) tells the buyer why.
 */
public class CardDeclinedException extends TillException {

    public CardDeclinedException(String field, String declineCode, String message) {
        this(field, declineCode, message, Map.of());
    }

    /** @param records the failed records the decline left (order_id, payment_id), for the client to find them */
    public CardDeclinedException(String field, String declineCode, String message, Map<String, String> records) {
        super(ErrorCode.CARD_DECLINED, "The card was declined: " + message, List.of(new FieldError(field, declineCode,
            message)), withCode(declineCode, records));
    }

    private static Map<String, String> withCode(String declineCode, Map<String, String> records) {
        var all = new LinkedHashMap<>(records);
        if (declineCode != null) {
            all.put("decline_code", declineCode);
        }
        return all;
    }
}
