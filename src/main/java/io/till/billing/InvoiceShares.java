package io.till.billing;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What may still go back of the invoice a payment paid, by refund or credit note together (what was paid for it by
 * card and by credit, less what went back already), and what of it went back as credit notes. A payment of no invoice
 * (an order's) is not limited by it. The invoice is locked, as a credit note locks it, so that a refund and a credit
 * note cannot both take the rest.
 */
@Component
class InvoiceShares {

    private final JdbcClient db;

    InvoiceShares(JdbcClient db) {
        this.db = db;
    }

    /** What is left, and what went back as credit notes; {@code left} is unbounded for a payment of no invoice. */
    record Share(long left, long noted) {

        static final Share NONE = new Share(Long.MAX_VALUE, 0);
    }

    /** The share of the invoice {@code paymentId} paid, its invoice locked when {@code lock} (inside a transaction). */
    Share of(String accountId, String paymentId, boolean lock) {
        if (lock) {
            // Locked by a statement of its own: the sums below must be read after the lock is held (a statement that
            // waits for a row lock still reads what its snapshot saw before, and a credit note committed meanwhile
            // would not count).
            db.sql("""
                SELECT i.id FROM invoices i
                 WHERE i.account_id = :accountId
                   AND i.id = (SELECT invoice_id FROM payments WHERE account_id = :accountId AND id = :paymentId)
                   FOR NO KEY UPDATE
                """)
                .param("accountId", accountId)
                .param("paymentId", paymentId)
                .query(String.class)
                .optional();
        }
        return db.sql("""
            WITH noted AS (
                SELECT coalesce(sum(c.amount), 0) AS amount FROM credit_entries c
                  JOIN payments p ON p.account_id = c.account_id AND p.invoice_id = c.invoice_id
                 WHERE p.account_id = :accountId AND p.id = :paymentId AND c.kind = 'credit_note')
            SELECT i.amount_credited
                   + (SELECT coalesce(sum(p.amount - p.amount_refunded), 0) FROM payments p
                       WHERE p.account_id = i.account_id AND p.invoice_id = i.id
                         AND p.status IN ('succeeded', 'refunded'))
                   - (SELECT amount FROM noted) AS left_over,
                   (SELECT amount FROM noted) AS noted
              FROM invoices i
             WHERE i.account_id = :accountId
               AND i.id = (SELECT invoice_id FROM payments WHERE account_id = :accountId AND id = :paymentId)
            """)
            .param("accountId", accountId)
            .param("paymentId", paymentId)
            .query((rs, row) -> new Share(rs.getLong("left_over"), rs.getLong("noted")))
            .optional()
            .orElse(Share.NONE);
    }
}
