package io.till.checkout;

import io.till.payment.CardDeclinedException;

/**
 * A purchase whose card the bank declined: the API's answer names the failed order ("Your card was declined. Order
 * ord_… was not paid."), and {@link #bankSaid()} keeps the bank's words alone for a page that links the order itself.
 */
final class OrderNotPaidException extends CardDeclinedException {

    private final String bankSaid;

    OrderNotPaidException(String orderId, String declineCode, String bankSaid) {
        super("payment_method", declineCode, bankSaid + " Order " + orderId + " was not paid.");
        this.bankSaid = bankSaid;
    }

    /** What the bank said, without the order: "Your card was declined." */
    String bankSaid() {
        return bankSaid;
    }
}
