package io.till.checkout;

import io.till.payment.CardDeclinedException;

/**
 * A purchase whose card the bank declined: the API's answer names the failed order ("Your card was declined. Order
 * #6 (ord_…) was not paid."), and {@link #bankSaid()} keeps the bank's words alone for a page that links the order itself.
 */
final class OrderNotPaidException extends CardDeclinedException {

    private final String bankSaid;
    private final long orderNumber;

    OrderNotPaidException(String orderId, long orderNumber, String declineCode, String bankSaid) {
        super("payment_method", declineCode, bankSaid + " Order #" + orderNumber + " (" + orderId + ") was not "
            + "paid.");
        this.bankSaid = bankSaid;
        this.orderNumber = orderNumber;
    }

    /** The failed order's number, as staff and buyers read it: 6 for "#6". */
    long orderNumber() {
        return orderNumber;
    }

    /** What the bank said, without the order: "Your card was declined." */
    String bankSaid() {
        return bankSaid;
    }
}
