package io.till.payment;

import io.till.shared.ErrorCode;
import io.till.shared.FieldError;
import io.till.shared.TillException;
import java.util.List;

/** The gateway refused a card when it was saved; the decline code tells the buyer why. */
public class CardDeclinedException extends TillException {

    public CardDeclinedException(String field, String declineCode, String message) {
        super(ErrorCode.CARD_DECLINED, "The card was declined: " + message,
            List.of(new FieldError(field, declineCode, message)));
    }
}
