package io.till.billing;

import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.OptionalInt;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The asks of a pending order's charge ({@code orders.charge_asks}): a purchase counts its request just before it goes
 * to the gateway, and only while the order is pending, so that one that stalled past the order's settlement charges
 * nothing; the settlement fails an order the gateway has no charge of only if none was asked since it looked.
 */
@Repository
public class OrderChargeAsks {

    private final JdbcClient db;
    private final Clock clock;

    OrderChargeAsks(JdbcClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * How many times a pending order's charge went to the gateway, when it last did (null before the first), and
     * whether that last request has ended without an answer.
     */
    public record Asks(int count, Instant last, boolean ended) {}

    /**
     * Counts a pending order's charge as about to go to the gateway, and answers whether it may (with the number of
     * this ask): only while the order is pending. A request that stalled on its way until the order was settled without it (failed, as the gateway had
     * no charge of it) must not charge it then: the buyer may have bought again since.
     */
    public OptionalInt asking(String accountId, String orderId) {
        return db.sql("""
            UPDATE orders SET charge_asks = charge_asks + 1, charge_asked_at = :now, charge_ask_ended = false
             WHERE account_id = :accountId AND id = :id AND status = 'pending'
            RETURNING charge_asks
            """)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("id", orderId)
            .query(Integer.class)
            .optional()
            .map(OptionalInt::of)
            .orElse(OptionalInt.empty());
    }

    /**
     * Notes that the request of ask number {@code ask} ended without the gateway's answer (it failed the request): none
     * of it is on its way any more, so the order's settlement need not wait for one.
     */
    public void askEnded(String accountId, String orderId, int ask) {
        db.sql("""
            UPDATE orders SET charge_ask_ended = true
             WHERE account_id = :accountId AND id = :id AND status = 'pending' AND charge_asks = :ask
            """)
            .param("accountId", accountId)
            .param("id", orderId)
            .param("ask", ask)
            .update();
    }

    /**
     * The number of the customer's latest order whose charge went to the gateway without an answer yet, still pending
     * its settlement: the card may have been charged for it (one whose request never reached the gateway, ended, was
     * not).
     */
    public java.util.Optional<Long> inDoubt(String accountId, String customerId) {
        return db.sql("""
            SELECT number FROM orders
             WHERE account_id = :accountId AND customer_id = :customerId AND status = 'pending'
               AND charge_asks > 0 AND NOT charge_ask_ended
             ORDER BY id DESC
             LIMIT 1
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .query(Long.class)
            .optional();
    }

    public Asks of(String accountId, String orderId) {
        return db.sql("""
            SELECT charge_asks, charge_asked_at, charge_ask_ended FROM orders
             WHERE account_id = :accountId AND id = :id
            """)
            .param("accountId", accountId)
            .param("id", orderId)
            .query((rs, row) -> new Asks(rs.getInt("charge_asks"), Timestamps.read(rs, "charge_asked_at"),
                rs.getBoolean("charge_ask_ended")))
            .single();
    }

    /**
     * Fails a pending order the gateway has no charge of, unless its charge was asked for again since {@code seen} was
     * read, before the gateway was: that request may be there now. Answers whether it did.
     */
    public boolean failUnasked(String accountId, String orderId, Asks seen) {
        return db.sql("""
            UPDATE orders SET status = 'failed', updated_at = :now
             WHERE account_id = :accountId AND id = :id AND status = 'pending' AND charge_asks = :asks
            """)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("id", orderId)
            .param("asks", seen.count())
            .update() == 1;
    }
}
