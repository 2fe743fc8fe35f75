package io.till.billing;

import io.till.customer.CustomerStats;
import io.till.customer.Customers;
import io.till.event.EventType;
import io.till.event.Events;
import io.till.idempotency.RequestEffects;
import io.till.shared.Amounts;
import io.till.shared.ErrorCode;
import io.till.shared.FieldErrors;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Customers' credit balances: granted by staff or by credit notes, spent on invoices (automatically when an invoice is
 * issued, or on request). Changes to one customer's balance are serialized by a transaction-scoped advisory lock.
 */
@Component
class Credits {

    private final JdbcClient db;
    private final Invoices invoices;
    private final InvoiceChargeHolds holds;
    private final Customers customers;
    private final Events events;
    private final RequestEffects effects;
    private final Clock clock;

    Credits(JdbcClient db, Invoices invoices, InvoiceChargeHolds holds, Customers customers, Events events,
        RequestEffects effects, Clock clock) {
        this.db = db;
        this.invoices = invoices;
        this.holds = holds;
        this.customers = customers;
        this.events = events;
        this.effects = effects;
        this.clock = clock;
    }

    record Entry(String id, String kind, long amount, String currency, String invoiceId, String reason,
        Instant createdAt) {}

    record Balance(List<CustomerStats.Money> balances, List<Entry> entries) {}

    @Transactional
    Balance grant(String accountId, String customerId, Long amount, String currency, String reason) {
        customers.get(accountId, customerId);
        if (effects.recordedBefore("credit").isPresent()) {
            // Granted by an earlier attempt of this keyed request, which never got to answer (a crash, a 5xx).
            return balance(accountId, customerId);
        }
        var errors = new FieldErrors();
        if (amount == null) {
            errors.add("amount", "required", "is required, in minor units (1250 for 12.50)");
        } else if (amount <= 0) {
            errors.add("amount", "out_of_range", "must be positive, in minor units");
        }
        if (currency == null) {
            errors.add("currency", "required", "is required: a three-letter ISO currency code such as usd");
        } else if (!Amounts.isCurrency(currency)) {
            errors.add("currency", "invalid_format", "must be a three-letter ISO currency code such as usd");
        } else {
            // Spent on invoices, credit must leave what they owe chargeable.
            io.till.payment.Gateways.checkPrice(errors, "amount", amount, currency);
        }
        errors.checkLength("reason", reason, 500);
        errors.throwIfAny();
        // Bounded, so that a customer's balance (a sum of grants) always fits in a long.
        Amounts.requireAtMostMax("amount", amount);
        refuseCurrencyNeverBilled(accountId, customerId, currency.toLowerCase(Locale.ROOT));
        lock(customerId);
        effects.recorded("credit", insert(accountId, customerId, "grant", amount, currency.toLowerCase(Locale.ROOT),
            null, reason));
        return balance(accountId, customerId);
    }

    /**
     * Credit is spent on invoices in its own currency: a grant in a currency none of the customer's subscriptions and
     * plans bills in would never be spent (a probe granted €10.00 to a customer billed in dollars). A customer billed
     * in nothing yet may be granted credit in any currency.
     */
    private void refuseCurrencyNeverBilled(String accountId, String customerId, String currency) {
        var billed = db.sql("""
            SELECT currency FROM subscriptions WHERE account_id = :accountId AND customer_id = :customerId
             UNION
            SELECT currency FROM payment_plans WHERE account_id = :accountId AND customer_id = :customerId
             ORDER BY 1
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .query(String.class)
            .list();
        if (!billed.isEmpty() && !billed.contains(currency)) {
            throw TillException.invalid("currency", "currency_not_billed", "is not a currency this customer is "
                + "billed in, so the credit could never be spent: their subscriptions and plans bill in "
                + String.join(", ", billed));
        }
    }

    /**
     * Spends the customer's credit on the part of the invoice not yet covered, up to {@code limit} (all it can when
     * null). Raises {@code credits.depleted} when the balance reaches zero. Returns the amount applied.
     */
    @Transactional
    long applyTo(String accountId, String invoiceId, Long limit) {
        return apply(accountId, invoiceId, limit, false);
    }

    /**
     * As {@link #applyTo}; {@code exact} when {@code limit} is an amount asked for, which is refused (rather than made
     * smaller) when it would leave less to charge than the gateway's smallest charge.
     */
    private long apply(String accountId, String invoiceId, Long limit, boolean exact) {
        Invoice invoice = invoices.lockWithOwner(accountId, invoiceId);
        if (!invoice.status().equals("issued")) {
            throw new TillException(ErrorCode.INVALID_STATE, "Credits apply to issued invoices; this one is "
                + invoice.status() + ".");
        }
        holds.requireNone(accountId, invoiceId);
        lock(invoice.customerId());
        long available = balanceIn(accountId, invoice.customerId(), invoice.currency());
        long open = invoice.amountDue() - invoice.amountCredited();
        long amount = Math.min(Math.min(available, open), limit == null ? Long.MAX_VALUE : limit);
        if (amount < open) {
            // What is left to charge stays an amount the gateway takes (KWD in tens of fils): a balance granted
            // before that was checked spends down to the step.
            amount -= amount % io.till.payment.Gateways.priceStep(invoice.currency());
        }
        long smallest = io.till.payment.Gateways.smallestCharge(invoice.currency());
        if (amount < open && open - amount < smallest && open > smallest) {
            // The card could not be charged what is left (Stripe's $0.50): every attempt would be declined and the
            // subscription would end unpaid with a card that works. Credit leaves the smallest charge instead.
            if (exact && limit == amount) {
                throw TillException.invalid("amount", "leaves_too_little", "would leave "
                    + Amounts.format(open - amount, invoice.currency()) + " to charge, less than the smallest charge "
                    + "in " + invoice.currency().toUpperCase(Locale.ROOT) + " ("
                    + Amounts.format(smallest, invoice.currency()) + "): apply "
                    + Amounts.format(open, invoice.currency()) + " to cover the invoice, or at most "
                    + Amounts.format(open - smallest, invoice.currency()));
            }
            amount = open - smallest;
        }
        if (amount <= 0) {
            return 0;
        }
        insert(accountId, invoice.customerId(), "applied", -amount, invoice.currency(), invoiceId, null);
        invoices.addCredit(accountId, invoiceId, amount);
        if (available == amount) {
            events.record(accountId, EventType.CREDITS_DEPLETED, invoice.customerId(), Map.of("customer",
                customers.get(accountId, invoice.customerId()), "credits", new CustomerStats.Money(0,
                    invoice.currency()),
                "invoice", invoices.get(accountId, invoiceId)));
        }
        return amount;
    }

    /**
     * {@link #applyTo} when staff or a developer asks for it: an amount that is not more than 0 is refused as such,
     * and when nothing could be applied the refusal says why, in the same words on the invoice page and in the API,
     * rather than answering as if something had been.
     */
    @Transactional
    long applyAsked(String accountId, String invoiceId, Long amount) {
        if (amount != null && amount <= 0) {
            throw TillException.invalid("amount", "out_of_range", "must be more than 0; without one, as much credit as "
                + "the invoice takes is applied");
        }
        if (amount != null) {
            var errors = new FieldErrors();
            io.till.payment.Gateways.checkPrice(errors, "amount", amount, invoices.get(accountId, invoiceId)
                .currency());
            errors.throwIfAny();
        }
        long applied = apply(accountId, invoiceId, amount, amount != null);
        if (applied == 0) {
            Invoice invoice = invoices.get(accountId, invoiceId);
            throw new TillException(ErrorCode.INVALID_STATE, invoice.amountCredited() >= invoice.amountDue()
                ? "Credit covers this invoice already."
                : "No credit was applied: the customer has no " + invoice.currency().toUpperCase(Locale.ROOT)
                    + " credit.");
        }
        return applied;
    }

    /** Credits the customer for part of a paid invoice, to be spent on later ones; never more than was paid. */
    @Transactional
    Entry creditNote(String accountId, String invoiceId, Long amount, String reason) {
        Invoice invoice = invoices.lockForUpdate(accountId, invoiceId);
        var errors = new FieldErrors();
        errors.checkLength("reason", reason, 500);
        io.till.payment.Gateways.checkPrice(errors, "amount", amount, invoice.currency());
        errors.throwIfAny();
        var earlier = effects.recordedBefore("credit_note");
        if (earlier.isPresent()) {
            return entry(accountId, earlier.get());
        }
        if (!invoice.status().equals("paid")) {
            throw new TillException(ErrorCode.INVALID_STATE, "Credit notes are for paid invoices; this one is "
                + invoice.status() + ".");
        }
        long noted = db.sql("""
            SELECT coalesce(sum(amount), 0) FROM credit_entries
             WHERE account_id = :accountId AND invoice_id = :invoiceId AND kind = 'credit_note'
            """)
            .param("accountId", accountId)
            .param("invoiceId", invoiceId)
            .query(Long.class)
            .single();
        // What was paid for the invoice (in cash and credit), less what went back already by refund or credit note,
        // and all of a disputed payment: the bank took it back (a probe gave back 3,998 of 1,999 paid).
        long refunded = db.sql("""
            SELECT coalesce(sum(CASE WHEN status = 'disputed' THEN amount ELSE amount_refunded END), 0) FROM payments
             WHERE account_id = :accountId AND invoice_id = :invoiceId
            """)
            .param("accountId", accountId)
            .param("invoiceId", invoiceId)
            .query(Long.class)
            .single();
        long left = invoice.amountDue() - noted - refunded;
        if (amount == null || amount <= 0 || amount > left) {
            // In money, never in minor units: staff read this beside the form where they typed dollars.
            throw TillException.invalid("amount", "out_of_range", "must be more than 0 and at most the "
                + Amounts.format(left, invoice.currency()) + " of this invoice not yet credited");
        }
        lock(invoice.customerId());
        String id = insert(accountId, invoice.customerId(), "credit_note", amount, invoice.currency(), invoiceId,
            reason);
        effects.recorded("credit_note", id);
        return entry(accountId, id);
    }

    /**
     * Gives back the credit applied to an invoice that was voided (by staff, by an automation, or with the
     * subscription or plan it billed): an entry {@code returned}, and the invoice no longer counts it.
     */
    @EventListener
    void voided(Invoices.Voided voided) {
        Invoice invoice = voided.invoice();
        if (invoice.amountCredited() <= 0) {
            return;
        }
        lock(invoice.customerId());
        insert(voided.accountId(), invoice.customerId(), "returned", invoice.amountCredited(), invoice.currency(),
            invoice.id(), "credit applied to an invoice that was voided");
        invoices.addCredit(voided.accountId(), invoice.id(), -invoice.amountCredited());
    }

    Balance balance(String accountId, String customerId) {
        customers.get(accountId, customerId);
        var balances = db.sql("""
            SELECT currency, sum(amount) AS amount FROM credit_entries
             WHERE account_id = :accountId AND customer_id = :customerId
             GROUP BY currency
             ORDER BY currency
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .query((rs, row) -> new CustomerStats.Money(rs.getLong("amount"), rs.getString("currency")))
            .list();
        return new Balance(balances, entries(accountId, customerId));
    }

    /** The latest entries, as the balance shows them; {@link #entries(String, String, PageRequest)} pages all. */
    private List<Entry> entries(String accountId, String customerId) {
        return entries(accountId, customerId, null, 100);
    }

    /** Every entry of the customer's credit, newest first, a page at a time. */
    Page<Entry> entries(String accountId, String customerId, PageRequest page) {
        customers.get(accountId, customerId);
        return page.page(entries(accountId, customerId, page.afterId(), page.fetchSize()), Entry::id);
    }

    private List<Entry> entries(String accountId, String customerId, String afterId, int limit) {
        return db.sql("""
            SELECT * FROM credit_entries
             WHERE account_id = :accountId AND customer_id = :customerId
               AND (CAST(:afterId AS text) IS NULL OR id < :afterId)
             ORDER BY id DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("afterId", afterId)
            .param("limit", limit)
            .query(Credits::entry)
            .list();
    }

    private Entry entry(String accountId, String id) {
        return db.sql("SELECT * FROM credit_entries WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(Credits::entry)
            .single();
    }

    private static Entry entry(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Entry(rs.getString("id"), rs.getString("kind"), rs.getLong("amount"), rs.getString("currency"),
            rs.getString("invoice_id"), rs.getString("reason"), Timestamps.read(rs, "created_at"));
    }

    private long balanceIn(String accountId, String customerId, String currency) {
        return db.sql("""
            SELECT coalesce(sum(amount), 0) FROM credit_entries
             WHERE account_id = :accountId AND customer_id = :customerId AND currency = :currency
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("currency", currency)
            .query(Long.class)
            .single();
    }

    private String insert(String accountId, String customerId, String kind, long amount, String currency,
        String invoiceId, String reason) {
        String id = Ids.newId("ce");
        db.sql("""
            INSERT INTO credit_entries (id, account_id, customer_id, kind, amount, currency, invoice_id, reason,
                                        idempotency_key, created_at)
            VALUES (:id, :accountId, :customerId, :kind, :amount, :currency, :invoiceId, :reason,
                    CAST(:key AS text), :now)
            """)
            .param("id", id)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("kind", kind)
            .param("amount", amount)
            .param("currency", currency)
            .param("invoiceId", invoiceId)
            .param("reason", reason)
            .param("key", KEY.get())
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update();
        return id;
    }

    /**
     * The idempotency key of the automation step making the entries of this call, if any: read by {@link #insert}
     * so that the public operations keep their signatures.
     */
    private static final ThreadLocal<String> KEY = new ThreadLocal<>();

    /** Runs {@code change} unless an entry with {@code key} exists already; answers whether it ran. */
    @Transactional
    boolean once(String accountId, String key, Runnable change) {
        db.sql("SELECT pg_advisory_xact_lock(hashtext('credit-key:' || :key))").param("key", key).query(Object.class)
            .list();
        boolean done = db.sql("SELECT EXISTS (SELECT 1 FROM credit_entries WHERE account_id = :accountId AND "
            + "idempotency_key = :key)")
            .param("accountId", accountId)
            .param("key", key)
            .query(Boolean.class)
            .single();
        if (done) {
            return false;
        }
        KEY.set(key);
        try {
            change.run();
        } finally {
            KEY.remove();
        }
        return true;
    }

    private void lock(String customerId) {
        db.sql("SELECT pg_advisory_xact_lock(hashtext('credits:' || :customerId))")
            .param("customerId", customerId)
            .query()
            .singleValue();
    }
}
