package io.till.billing;

import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class Invoices {

    private static final RowMapper<Invoice> INVOICE = (rs, row) -> new Invoice(rs.getString("id"),
        rs.getLong("number"), rs.getString("customer_id"), rs.getString("subscription_id"),
        rs.getString("payment_plan_id"),
        rs.getInt("sequence"), rs.getString("status"), rs.getLong("amount_due"), rs.getLong("amount_credited"),
        owes(rs.getString("status")) ? rs.getLong("amount_due") - rs.getLong("amount_credited") : 0,
        rs.getString("currency"),
        Timestamps.read(rs, "period_start"), Timestamps.read(rs, "period_end"), rs.getInt("attempt_count"),
        // Overdue is what the invoice is now: an open one past its due date; once paid or voided it is not.
        Timestamps.read(rs, "due_at"), rs.getBoolean("overdue") && "issued".equals(rs.getString("status")),
        Timestamps.read(rs, "paid_at"), Timestamps.read(rs, "voided_at"),
        Timestamps.read(rs, "created_at"));

    /** Whether an invoice in this status is still owed: open, or written off as uncollectible (bad debt). */
    private static boolean owes(String status) {
        return status.equals("issued") || status.equals("uncollectible");
    }

    private final JdbcClient db;
    private final ApplicationEventPublisher publisher;
    private final Clock clock;
    private final InvoiceChargeHolds holds;

    Invoices(JdbcClient db, ApplicationEventPublisher publisher, Clock clock, InvoiceChargeHolds holds) {
        this.db = db;
        this.publisher = publisher;
        this.clock = clock;
        this.holds = holds;
    }

    /**
     * An invoice became void, inside the transaction that voided it: the credit applied to it goes back to the
     * customer ({@link Credits}), as nothing was sold for it.
     */
    record Voided(String accountId, Invoice invoice) {}

    /** Tells that the issued invoice {@code id} was just made void (see {@link Voided}). */
    void voided(String accountId, String id) {
        publisher.publishEvent(new Voided(accountId, get(accountId, id)));
    }

    /** What an invoice bills: a subscription period or a plan installment, numbered from 1. */
    record Subject(String customerId, String subscriptionId, String paymentPlanId, int sequence, long amount,
        String currency, Instant periodStart, Instant periodEnd) {}

    /**
     * Issues the invoice for this period or installment; if it was issued already (a job run again after a crash),
     * returns that one instead.
     */
    Invoice issue(String accountId, Subject subject, Instant now, Instant dueAt) {
        var existing = find(accountId, subject);
        if (existing.isPresent()) {
            return existing.get();
        }
        String id = Ids.newId("inv");
        // The account's next number: its row stays locked until this renewal commits (a renewal undone gives the
        // number back). Taken after the subscription's or plan's lock and before the customer's (credits), as every
        // renewal takes them.
        long number = db.sql("""
            INSERT INTO invoice_numbers AS n (account_id, last_number) VALUES (:accountId, 1)
            ON CONFLICT (account_id) DO UPDATE SET last_number = n.last_number + 1
            RETURNING last_number
            """)
            .param("accountId", accountId)
            .query(Long.class)
            .single();
        // Named as the product and option are named now: its receipt keeps these, whatever they are called later.
        db.sql("""
            INSERT INTO invoices (id, account_id, number, customer_id, subscription_id, payment_plan_id, sequence,
                                  status, amount_due, currency, period_start, period_end, due_at, created_at,
                                  product_name, option_name)
            SELECT :id, :accountId, :number, :customerId, :subscriptionId, :paymentPlanId, :sequence, 'issued',
                   :amount, :currency, :periodStart, :periodEnd, :dueAt, :now,
                   (SELECT pr.name FROM products pr
                     WHERE pr.account_id = :accountId AND pr.id = coalesce(s.product_id, pl.product_id)),
                   (SELECT o.name FROM product_options o
                     WHERE o.account_id = :accountId AND o.id = coalesce(s.option_id, pl.option_id))
              FROM (SELECT 1) one
              LEFT JOIN subscriptions s ON s.account_id = :accountId AND s.id = :subscriptionId
              LEFT JOIN payment_plans pl ON pl.account_id = :accountId AND pl.id = :paymentPlanId
            """)
            .param("id", id)
            .param("number", number)
            .param("accountId", accountId)
            .param("customerId", subject.customerId())
            .param("subscriptionId", subject.subscriptionId())
            .param("paymentPlanId", subject.paymentPlanId())
            .param("sequence", subject.sequence())
            .param("amount", subject.amount())
            .param("currency", subject.currency())
            .param("periodStart", Timestamps.of(subject.periodStart()))
            .param("periodEnd", Timestamps.of(subject.periodEnd()))
            .param("dueAt", Timestamps.of(dueAt))
            .param("now", Timestamps.of(now))
            .update();
        return get(accountId, id);
    }

    private Optional<Invoice> find(String accountId, Subject subject) {
        return db.sql("""
            SELECT * FROM invoices
             WHERE account_id = :accountId AND sequence = :sequence
               AND (subscription_id = :subscriptionId OR (payment_plan_id = :paymentPlanId AND status <> 'void'))
            """)
            .param("accountId", accountId)
            .param("sequence", subject.sequence())
            .param("subscriptionId", subject.subscriptionId())
            .param("paymentPlanId", subject.paymentPlanId())
            .query(INVOICE)
            .optional();
    }

    public Invoice get(String accountId, String id) {
        return find(accountId, id).orElseThrow(() -> TillException.notFound("invoice", id));
    }

    /** The invoice of this account's number, as "Invoice #12" shows it. */
    public Optional<String> idOfNumber(String accountId, long number) {
        return db.sql("SELECT id FROM invoices WHERE account_id = :accountId AND number = :number")
            .param("accountId", accountId)
            .param("number", number)
            .query(String.class)
            .optional();
    }

    public Optional<Invoice> find(String accountId, String id) {
        return db.sql("SELECT * FROM invoices WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(INVOICE)
            .optional();
    }

    /** The account's invoices among {@code ids}, by id (one query for a page of records that name invoices). */
    public Map<String, Invoice> find(String accountId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return db.sql("SELECT * FROM invoices WHERE account_id = :accountId AND id IN (:ids)")
            .param("accountId", accountId)
            .param("ids", Set.copyOf(ids))
            .query(INVOICE)
            .list()
            .stream()
            .collect(Collectors.toMap(Invoice::id, invoice -> invoice));
    }

    Invoice lockForUpdate(String accountId, String id) {
        return db.sql("SELECT * FROM invoices WHERE account_id = :accountId AND id = :id FOR NO KEY UPDATE")
            .param("accountId", accountId)
            .param("id", id)
            .query(INVOICE)
            .optional()
            .orElseThrow(() -> TillException.notFound("invoice", id));
    }

    /**
     * Locks the invoice after the subscription or payment plan it bills, the order every change of both takes them in
     * (the owner first: a cancel, a renewal, a plan's change lock it, then its invoices). Recording a charge, voiding
     * or writing off the invoice, or settling it with credit, at the same moment as a cancel, then waits for it rather
     * than deadlocking with it (each holding one row the other wants).
     */
    Invoice lockWithOwner(String accountId, String id) {
        Invoice unlocked = get(accountId, id);
        if (unlocked.subscriptionId() != null) {
            db.sql("SELECT id FROM subscriptions WHERE account_id = :accountId AND id = :id FOR NO KEY UPDATE")
                .param("accountId", accountId)
                .param("id", unlocked.subscriptionId())
                .query(String.class)
                .optional();
        } else if (unlocked.paymentPlanId() != null) {
            db.sql("SELECT id FROM payment_plans WHERE account_id = :accountId AND id = :id FOR NO KEY UPDATE")
                .param("accountId", accountId)
                .param("id", unlocked.paymentPlanId())
                .query(String.class)
                .optional();
        }
        return lockForUpdate(accountId, id);
    }

    /**
     * Records attempt {@code attempt} of the invoice's retry schedule (staff's pay now is one too) and, when it took
     * the money, the invoice paid at {@code paidAt}.
     */
    void recordAttempt(String accountId, String id, int attempt, Instant paidAt) {
        db.sql("""
            UPDATE invoices
               SET schedule_attempts = greatest(schedule_attempts, :attempt),
                   status = CASE WHEN CAST(:paidAt AS timestamptz) IS NULL THEN status ELSE 'paid' END,
                   paid_at = CAST(:paidAt AS timestamptz)
             WHERE account_id = :accountId AND id = :id
            """)
            .param("attempt", attempt)
            .param("paidAt", Timestamps.of(paidAt))
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    /** Marks the invoice paid by what its retry schedule did not do: an automation's retry, or credit covering it. */
    void markPaid(String accountId, String id, Instant paidAt) {
        db.sql("UPDATE invoices SET status = 'paid', paid_at = :paidAt WHERE account_id = :accountId AND id = :id")
            .param("paidAt", Timestamps.of(paidAt))
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    /**
     * How many attempts the invoice's retry schedule has made (staff's pay now among them): its next attempt is the
     * one after. Not {@link Invoice#attemptCount()}, which counts an automation's retries too.
     */
    int scheduleAttempts(String accountId, String id) {
        return db.sql("SELECT schedule_attempts FROM invoices WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(Integer.class)
            .optional()
            .orElseThrow(() -> TillException.notFound("invoice", id));
    }

    /**
     * Locks the open invoices of a subscription or plan against charges until the transaction ends, and refuses
     * ({@link ChargeInProgress}) while one of them is being charged: what the caller changes (a cancel, a pause) then
     * comes before any charge that claims one of them from now on, which waits for it and sees it, and never after a
     * charge already under way, whose money would come in against it.
     */
    void requireNoCharge(String accountId, String subscriptionId, String paymentPlanId) {
        // Locked first, in id order, and then asked about by statements of their own: one that claimed it before is
        // seen.
        var unpaid = db.sql("""
            SELECT id FROM invoices
             WHERE account_id = :accountId AND status = 'issued'
               AND (subscription_id = :subscriptionId OR payment_plan_id = :paymentPlanId)
             ORDER BY id
               FOR NO KEY UPDATE
            """)
            .param("accountId", accountId)
            .param("subscriptionId", subscriptionId)
            .param("paymentPlanId", paymentPlanId)
            .query(String.class)
            .list();
        for (String id : unpaid) {
            if (holds.inFlight(accountId, id)) {
                throw new ChargeInProgress("A payment of this " + (subscriptionId != null
                    ? "subscription"
                    : "payment plan") + " is at the gateway; try again in a moment, once it has ended.");
            }
        }
    }

    /**
     * Voids the unpaid invoices of a subscription or plan that ended; returns them as they are now. Refused while one
     * of them is being charged ({@link InvoiceChargeHolds#requireNone}): the money could come in for a void invoice.
     */
    List<Invoice> voidUnpaid(String accountId, String subscriptionId, String paymentPlanId) {
        // A charge that claims one of them from now on waits for this transaction, and then finds it void.
        requireNoCharge(accountId, subscriptionId, paymentPlanId);
        var ids = db.sql("""
            UPDATE invoices SET status = 'void', voided_at = :now
             WHERE account_id = :accountId AND status = 'issued'
               AND (subscription_id = :subscriptionId OR payment_plan_id = :paymentPlanId)
            RETURNING id
            """)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("subscriptionId", subscriptionId)
            .param("paymentPlanId", paymentPlanId)
            .query(String.class)
            .list();
        ids.forEach(id -> voided(accountId, id));
        return ids.stream().map(id -> get(accountId, id)).toList();
    }

    List<Invoice> unpaidFor(String accountId, String subscriptionId, String paymentPlanId) {
        return db.sql("""
            SELECT * FROM invoices
             WHERE account_id = :accountId AND status = 'issued'
               AND (subscription_id = :subscriptionId OR payment_plan_id = :paymentPlanId)
             ORDER BY id
            """)
            .param("accountId", accountId)
            .param("subscriptionId", subscriptionId)
            .param("paymentPlanId", paymentPlanId)
            .query(INVOICE)
            .list();
    }

    void addCredit(String accountId, String id, long amount) {
        db.sql(
            "UPDATE invoices SET amount_credited = amount_credited + :amount WHERE account_id = :accountId AND id = :id")
            .param("amount", amount)
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    void markOverdue(String accountId, String id) {
        db.sql("UPDATE invoices SET overdue = true WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    /** The customer's open invoices: what a new card is tried on. */
    List<Invoice> unpaidOf(String accountId, String customerId) {
        return db.sql("""
            SELECT * FROM invoices
             WHERE account_id = :accountId AND customer_id = :customerId AND status = 'issued'
             ORDER BY id
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .query(INVOICE)
            .list();
    }

    /** An invoice still owed, in SQL: open, or written off but still owed ({@link Invoice#writtenOffStillOwed}). */
    static final String STILL_OWED = "(status = 'issued' OR status = 'uncollectible' AND subscription_id IS NOT NULL)";

    /** What the customer owes, for their record: their invoices {@link #STILL_OWED}. */
    List<Invoice> owedBy(String accountId, String customerId) {
        return db.sql("""
            SELECT * FROM invoices
             WHERE account_id = :accountId AND customer_id = :customerId AND %s
             ORDER BY id
            """.formatted(STILL_OWED))
            .param("accountId", accountId)
            .param("customerId", customerId)
            .query(INVOICE)
            .list();
    }

    /**
     * The invoice issued for the period starting at {@code periodStart} that was never charged: what a renewal job
     * that crashed between issuing and charging left behind.
     */
    java.util.Optional<Invoice> uncharged(String accountId, String subscriptionId, String paymentPlanId,
        Instant periodStart) {
        return db.sql("""
            SELECT * FROM invoices
             WHERE account_id = :accountId AND period_start = :periodStart AND status = 'issued'
               AND schedule_attempts = 0
               AND (subscription_id = :subscriptionId OR payment_plan_id = :paymentPlanId)
            """)
            .param("accountId", accountId)
            .param("periodStart", Timestamps.of(periodStart))
            .param("subscriptionId", subscriptionId)
            .param("paymentPlanId", paymentPlanId)
            .query(INVOICE)
            .optional();
    }

    /** The number of a subscription's next invoice: its first period is the order's. */
    int nextSequence(String accountId, String subscriptionId) {
        return db.sql("""
            SELECT coalesce(max(sequence), 1) + 1 FROM invoices
             WHERE account_id = :accountId AND subscription_id = :subscriptionId
            """)
            .param("accountId", accountId)
            .param("subscriptionId", subscriptionId)
            .query(Integer.class)
            .single();
    }

    /**
     * The number of a plan's next installment, or one past its last when every installment is paid or still owed.
     * Installment 1 was paid with the order; each later one is held by its invoice unless that was voided: a voided
     * installment is billed again under its number, so that the plan completes once every installment is paid. One
     * written off as uncollectible keeps its number: staff chose not to collect it.
     */
    int nextInstallment(String accountId, PaymentPlan plan) {
        return db.sql("""
            SELECT coalesce(min(installment), :installments + 1)
              FROM generate_series(2, :installments) AS installment
             WHERE NOT EXISTS (SELECT 1 FROM invoices
                                WHERE account_id = :accountId AND payment_plan_id = :planId
                                  AND sequence = installment AND status <> 'void')
            """)
            .param("installments", plan.installments())
            .param("accountId", accountId)
            .param("planId", plan.id())
            .query(Integer.class)
            .single();
    }

    /** When the plan's latest billed installment was due, voided or not; empty before the first was billed. */
    Optional<Instant> lastInstallmentDue(String accountId, String paymentPlanId) {
        return db.sql("""
            SELECT max(period_start) AS due FROM invoices
             WHERE account_id = :accountId AND payment_plan_id = :planId
            """)
            .param("accountId", accountId)
            .param("planId", paymentPlanId)
            .query((rs, row) -> Optional.ofNullable(Timestamps.read(rs, "due")))
            .single();
    }

    /** The invoices of a subscription or plan (give one of the two), newest first: what its record lists. */
    List<Invoice> of(String accountId, String subscriptionId, String paymentPlanId) {
        return db.sql("""
            SELECT * FROM invoices
             WHERE account_id = :accountId
               AND (subscription_id = :subscriptionId OR payment_plan_id = :paymentPlanId)
             ORDER BY sequence DESC, id DESC
             LIMIT 100
            """)
            .param("accountId", accountId)
            .param("subscriptionId", subscriptionId)
            .param("paymentPlanId", paymentPlanId)
            .query(INVOICE)
            .list();
    }

    Page<Invoice> list(String accountId, String customerId, PageRequest page) {
        return list(accountId, RecordFilter.ofCustomer(customerId), page);
    }

    Page<Invoice> list(String accountId, RecordFilter filter, PageRequest page) {
        return CustomerRecordLists.newestFirst(db, "invoices", accountId, filter, page, INVOICE, Invoice::id);
    }

    /** The open invoices past their due date (marked overdue by the billing clock), with the same filters. */
    Page<Invoice> listOverdue(String accountId, RecordFilter filter, PageRequest page) {
        return CustomerRecordLists.newestFirst(db, "invoices", "status = 'issued' AND overdue", accountId, filter,
            page, INVOICE, Invoice::id);
    }

    /** Every invoice but the overdue ones: paid, void, uncollectible, and open ones not yet past due. */
    Page<Invoice> listNotOverdue(String accountId, RecordFilter filter, PageRequest page) {
        return CustomerRecordLists.newestFirst(db, "invoices", "NOT (status = 'issued' AND overdue)", accountId,
            filter, page, INVOICE, Invoice::id);
    }
}
