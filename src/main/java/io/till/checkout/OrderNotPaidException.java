package io.till.checkout;

import io.till.payment.CardDeclinedException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A purchase whose card the bank declined: the API's answer names the failed order ("Your card was declined. Order
 * #6 (ord_…) was not paid."), and {@link #bankSaid()} keeps the bank's words alone for a page that links the order itself.
 */
final class OrderNotPaidException extends CardDeclinedException {

    private final String bankSaid;
    private final long orderNumber;

    /**
     * @param field the request's field that named the card ({@code token} or {@code payment_method_id})
     * @param paymentId the failed payment, when one was recorded
     */
    OrderNotPaidException(String orderId, long orderNumber, String paymentId, String field, String declineCode,
        String bankSaid) {
        super(field, declineCode, bankSaid + " Order #" + orderNumber + " (" + orderId + ") was not paid.", records(
            orderId, paymentId));
        this.bankSaid = bankSaid;
        this.orderNumber = orderNumber;
    }

    private static Map<String, String> records(String orderId, String paymentId) {
        var records = new LinkedHashMap<String, String>();
        records.put("order_id", orderId);
        if (paymentId != null) {
            records.put("payment_id", paymentId);
        }
        return records;
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
