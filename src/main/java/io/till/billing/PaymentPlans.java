package io.till.billing;

import io.till.catalog.Product;
import io.till.catalog.ProductOption;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Instant;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class PaymentPlans {

    private static final RowMapper<PaymentPlan> PLAN = (rs, row) -> new PaymentPlan(rs.getString("id"),
        rs.getString("customer_id"), rs.getString("order_id"), rs.getString("product_id"), rs.getString("option_id"),
        rs.getString("card_id"), rs.getString("status"), rs.getLong("installment_amount"), rs.getString("currency"),
        rs.getInt("installments"), rs.getInt("installments_paid"), rs.getString("interval"),
        rs.getInt("interval_count"),
        Timestamps.read(rs, "next_bill_at"), Timestamps.read(rs, "created_at"));

    /**
     * What the buyer has paid for the plan {@code pp} (a column of a query over {@code payment_plans pp}): its first
     * installment as the order charged it, less that line's share of a promo code's discount, and every installment
     * paid by an invoice since.
     */
    public static final String AMOUNT_PAID = """
        (coalesce((SELECT oi.amount - CASE WHEN bought.subtotal > 0
                                           -- In numeric: a discount times a price may pass a bigint's range.
                                           THEN CAST(div(CAST(od.discount AS numeric) * oi.amount
                                                         + bought.subtotal / 2, bought.subtotal) AS bigint)
                                           ELSE 0 END
                     FROM orders od
                     JOIN order_items oi ON oi.account_id = od.account_id AND oi.order_id = od.id
                     -- What the discount was taken from: the order as placed, before an upsell taken after it added
                     -- to its subtotal.
                     CROSS JOIN LATERAL (SELECT CAST(sum(x.amount) AS bigint) AS subtotal FROM order_items x
                                          WHERE x.account_id = od.account_id AND x.order_id = od.id
                                            AND x.kind <> 'upsell') bought
                    WHERE od.account_id = pp.account_id AND od.id = pp.order_id
                      AND oi.kind = 'option' AND oi.option_id = pp.option_id
                    ORDER BY oi.position LIMIT 1), pp.installment_amount)
         + coalesce((SELECT sum(i.amount_due) FROM invoices i
                      WHERE i.account_id = pp.account_id AND i.payment_plan_id = pp.id AND i.status = 'paid'), 0))
        """;

    private final JdbcClient db;
    private final BillingSchedule schedule;

    PaymentPlans(JdbcClient db, BillingSchedule schedule) {
        this.db = db;
        this.schedule = schedule;
    }

    /** Starts a plan whose first installment was paid at {@code now}; the next is due one interval later. */
    public PaymentPlan start(String accountId, String customerId, String orderId, Product product,
        ProductOption option, String cardId, Instant now) {
        String id = Ids.newId("plan");
        String interval = option.interval().code();
        db.sql("""
            INSERT INTO payment_plans (id, account_id, customer_id, order_id, product_id, option_id, card_id, status,
                                       installment_amount, currency, installments, installments_paid, interval,
                                       interval_count, next_bill_at, created_at, updated_at)
            VALUES (:id, :accountId, :customerId, :orderId, :productId, :optionId, :cardId, 'active', :amount,
                    :currency, :installments, 1, :interval, :intervalCount, :nextBillAt, :now, :now)
            """)
            .param("id", id)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("orderId", orderId)
            .param("productId", product.id())
            .param("optionId", option.id())
            .param("cardId", cardId)
            .param("amount", option.amount())
            .param("currency", option.currency())
            .param("installments", option.installments())
            .param("interval", interval)
            .param("intervalCount", option.intervalCount())
            .param("nextBillAt", Timestamps.of(Periods.after(now, interval, option.intervalCount())))
            .param("now", Timestamps.of(now))
            .update();
        var plan = get(accountId, id);
        // Installment 1 was paid with the order; the next is number 2.
        schedule.nextInstallment(accountId, plan, now, plan.nextBillAt(), 2);
        return plan;
    }

    /**
     * How many of the plan {@code pp}'s installments staff wrote off as uncollectible: never billed again, neither
     * paid nor left to pay (a plan completes without them).
     */
    public static final String WRITTEN_OFF = """
        (SELECT count(*) FROM invoices wo
          WHERE wo.account_id = pp.account_id AND wo.payment_plan_id = pp.id AND wo.status = 'uncollectible')""";

    /**
     * What is left to pay of the plan: the installments neither paid nor written off, less the credit an installment
     * still open already took (the buyer owes only the rest of it); none once it is canceled.
     */
    public long leftToPay(String accountId, PaymentPlan plan) {
        if (plan.status().equals("canceled")) {
            return 0;
        }
        record Held(int writtenOff, long credited) {}
        var held = db.sql("SELECT " + WRITTEN_OFF + """
             AS written_off,
                   (SELECT coalesce(sum(i.amount_credited), 0) FROM invoices i
                     WHERE i.account_id = pp.account_id AND i.payment_plan_id = pp.id AND i.status = 'issued')
                     AS credited
              FROM payment_plans pp
             WHERE pp.account_id = :accountId AND pp.id = :id
            """)
            .param("accountId", accountId)
            .param("id", plan.id())
            .query((rs, row) -> new Held(rs.getInt("written_off"), rs.getLong("credited")))
            .single();
        int left = plan.installments() - plan.installmentsPaid() - held.writtenOff();
        return Math.max(0, Math.max(0, left) * plan.installmentAmount() - held.credited());
    }

    /** What the buyer paid for the plan's first installment, and for all of it so far: see {@link #AMOUNT_PAID}. */
    public record Paid(long first, long total) {}

    public Paid paid(String accountId, String id) {
        return db.sql("SELECT pp.installment_amount, " + AMOUNT_PAID + """
             AS total,
               (SELECT coalesce(sum(i.amount_due), 0) FROM invoices i
                 WHERE i.account_id = pp.account_id AND i.payment_plan_id = pp.id AND i.status = 'paid') AS later
              FROM payment_plans pp
             WHERE pp.account_id = :accountId AND pp.id = :id
            """)
            .param("accountId", accountId)
            .param("id", id)
            .query((rs, row) -> new Paid(rs.getLong("total") - rs.getLong("later"), rs.getLong("total")))
            .optional()
            .orElseThrow(() -> TillException.notFound("payment plan", id));
    }

    PaymentPlan lockForUpdate(String accountId, String id) {
        return db.sql("SELECT * FROM payment_plans WHERE account_id = :accountId AND id = :id FOR NO KEY UPDATE")
            .param("accountId", accountId)
            .param("id", id)
            .query(PLAN)
            .optional()
            // Another account's id is not found either.
            .orElseThrow(() -> TillException.notFound("payment plan", id));
    }

    /**
     * Counts a paid installment: the plan completes once every installment is paid; an unpaid one is active again
     * unless {@code othersOwed} (another installment is still unpaid, as a subscription stays past due for its older
     * invoice), and a canceled one (an installment in flight when staff canceled) stays canceled.
     */
    PaymentPlan installmentPaid(String accountId, String id, boolean othersOwed, Instant now) {
        db.sql("""
            UPDATE payment_plans
               SET installments_paid = installments_paid + 1,
                   status = CASE WHEN installments_paid + 1 >= installments THEN 'completed'
                                 WHEN status = 'unpaid' AND NOT :othersOwed THEN 'active'
                                 ELSE status END,
                   next_bill_at = CASE WHEN installments_paid + 1 >= installments THEN NULL ELSE next_bill_at END,
                   updated_at = :now, version = version + 1
             WHERE account_id = :accountId AND id = :id
            """)
            .param("othersOwed", othersOwed)
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
        return get(accountId, id);
    }

    /** Ends a plan that has nothing left to bill: {@code completed}, with no next bill date. */
    void complete(String accountId, String id, Instant now) {
        db.sql("""
            UPDATE payment_plans SET status = 'completed', next_bill_at = NULL, updated_at = :now, version = version + 1
             WHERE account_id = :accountId AND id = :id
            """)
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    void setStatus(String accountId, String id, String status, Instant now) {
        db.sql("""
            UPDATE payment_plans SET status = :status, updated_at = :now, version = version + 1
             WHERE account_id = :accountId AND id = :id
            """)
            .param("status", status)
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    void setCard(String accountId, String id, String cardId, Instant now) {
        db.sql("""
            UPDATE payment_plans SET card_id = :cardId, updated_at = :now, version = version + 1
             WHERE account_id = :accountId AND id = :id
            """)
            .param("cardId", cardId)
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    void setNextBill(String accountId, String id, Instant nextBillAt, Instant now) {
        db.sql("""
            UPDATE payment_plans SET next_bill_at = :next, updated_at = :now, version = version + 1
             WHERE account_id = :accountId AND id = :id
            """)
            .param("next", Timestamps.of(nextBillAt))
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    public PaymentPlan get(String accountId, String id) {
        return db.sql("SELECT * FROM payment_plans WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(PLAN)
            .optional()
            .orElseThrow(() -> TillException.notFound("payment plan", id));
    }

    /** The plan if it is this customer's: a buyer never learns whether another customer's id exists. */
    public PaymentPlan getForCustomer(String accountId, String customerId, String id) {
        return db
            .sql("SELECT * FROM payment_plans WHERE account_id = :accountId AND customer_id = :customerId AND id = :id")
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("id", id)
            .query(PLAN)
            .optional()
            .orElseThrow(() -> TillException.notFound("payment plan", id));
    }

    /** The customer's plans a card still pays (active or unpaid), oldest first. */
    java.util.List<PaymentPlan> stillBilled(String accountId, String customerId) {
        return db.sql("""
            SELECT * FROM payment_plans
             WHERE account_id = :accountId AND customer_id = :customerId AND status IN ('active', 'unpaid')
             ORDER BY id
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .query(PLAN)
            .list();
    }

    /** The account's active plans, which still have installments to announce. */
    java.util.List<PaymentPlan> announced(String accountId) {
        return db.sql("SELECT * FROM payment_plans WHERE account_id = :accountId AND status = 'active' ORDER BY id")
            .param("accountId", accountId)
            .query(PLAN)
            .list();
    }

    Page<PaymentPlan> list(String accountId, String customerId, PageRequest page) {
        return list(accountId, RecordFilter.ofCustomer(customerId), page);
    }

    /**
     * The customer's plans still being paid or still owing (active or unpaid), newest first: filtered before the page
     * is cut, so that one still owing is listed whatever ended after it.
     */
    Page<PaymentPlan> listOpen(String accountId, String customerId, PageRequest page) {
        return CustomerRecordLists.newestFirst(db, "payment_plans", "status IN ('active', 'unpaid')", accountId,
            RecordFilter.ofCustomer(customerId), page, PLAN, PaymentPlan::id);
    }

    Page<PaymentPlan> list(String accountId, RecordFilter filter, PageRequest page) {
        return CustomerRecordLists.newestFirst(db, "payment_plans", accountId, filter, page, PLAN, PaymentPlan::id);
    }
}
