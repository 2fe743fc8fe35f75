package io.till.billing;

import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** A refund, and the refunds of a billing record's payments, as its page lists them. */
@Component
class RefundHistory {

    private final JdbcClient db;

    RefundHistory(JdbcClient db) {
        this.db = db;
    }

    Refund get(String accountId, String id) {
        return db.sql("SELECT * FROM refunds WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(Refunds.REFUND)
            .optional()
            .orElseThrow(() -> TillException.notFound("refund", id));
    }

    /**
     * The account's refunds newest first, a page at a time, by customer, status and creation time, and of one payment
     * only when {@code paymentId} is not null (another account's finds none).
     */
    Page<Refund> list(String accountId, RecordFilter filter, String paymentId, PageRequest page) {
        return paymentId == null
            ? CustomerRecordLists.newestFirst(db, "refunds", accountId, filter, page, Refunds.REFUND, Refund::id)
            : CustomerRecordLists.newestFirst(db, "refunds", "payment_id = :paymentId", Map.of("paymentId",
                paymentId), accountId, filter, page, Refunds.REFUND, Refund::id);
    }

    /** The refunds of a subscription's or plan's payments (give one of the two), newest first. */
    List<Refund> of(String accountId, String subscriptionId, String paymentPlanId) {
        return db.sql("""
            SELECT r.* FROM refunds r
              JOIN payments p ON p.account_id = r.account_id AND p.id = r.payment_id
             WHERE r.account_id = :accountId
               AND (p.subscription_id = :subscriptionId OR p.payment_plan_id = :paymentPlanId)
             ORDER BY r.created_at DESC, r.id DESC
            """)
            .param("accountId", accountId)
            .param("subscriptionId", subscriptionId)
            .param("paymentPlanId", paymentPlanId)
            .query(Refunds.REFUND)
            .list();
    }

    /** The refunds of the payments of one invoice, newest first. */
    List<Refund> ofInvoice(String accountId, String invoiceId) {
        return db.sql("""
            SELECT r.* FROM refunds r
              JOIN payments p ON p.account_id = r.account_id AND p.id = r.payment_id
             WHERE r.account_id = :accountId AND p.invoice_id = :invoiceId
             ORDER BY r.created_at DESC, r.id DESC
            """)
            .param("accountId", accountId)
            .param("invoiceId", invoiceId)
            .query(Refunds.REFUND)
            .list();
    }

    /** The refunds of an order's payments, oldest first, failed ones included (they say nothing was given back). */
    List<Refund> ofOrder(String accountId, String orderId) {
        return db.sql("""
            SELECT r.* FROM refunds r
              JOIN payments p ON p.account_id = r.account_id AND p.id = r.payment_id
             WHERE r.account_id = :accountId AND p.order_id = :orderId
             ORDER BY r.created_at, r.id
            """)
            .param("accountId", accountId)
            .param("orderId", orderId)
            .query(Refunds.REFUND)
            .list();
    }
}
