package io.till.billing;

import io.till.shared.ErrorCode;
import io.till.shared.FieldErrors;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class Orders {

    private final JdbcClient db;
    private final Clock clock;

    Orders(JdbcClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Writes an order before its card is charged, with the account's next order number; {@link #settle} records the
     * outcome. The number is counted in a row of the account's own that stays locked until the caller's transaction
     * ends: take it as the last lock of that transaction (what is written after it are rows of this order's own), so
     * that purchases of one account wait for each other only for the rest of that transaction and never in a circle.
     * Undone, the transaction gives its number back: numbers have no gaps.
     *
     * @return the order as written, with its number
     */
    /** Marks the pending order's card as saved by its purchase (inside the purchase's transaction). */
    /** Whether the order's purchase saved the card it charges, rather than paying with one on file. */
    public boolean savedCard(String accountId, String orderId) {
        return db.sql("SELECT saved_card FROM orders WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", orderId)
            .query(Boolean.class)
            .single();
    }

    /**
     * Writes a purchase's pending order and its lines, numbered as it is written: the account's next number is the
     * last lock its transaction takes, held only for the lines and the commit, since every purchase of the account
     * waits for it. {@code savedCard}: the purchase saved the card it charges (see {@link #savedCard}).
     */
    public Order insertPending(String accountId, Order order, boolean savedCard) {
        var insert = db.sql("""
            WITH numbered AS (
                INSERT INTO order_numbers AS n (account_id, last_number) VALUES (:accountId, 1)
                ON CONFLICT (account_id) DO UPDATE SET last_number = n.last_number + 1
                RETURNING last_number
            )
            INSERT INTO orders (id, account_id, number, customer_id, checkout_id, status, currency, subtotal, discount,
                                total, promo_code_id, card_id, recurring_card_id, saved_card, billing_name,
                                billing_line1, billing_line2, billing_city, billing_postal_code, billing_region,
                                billing_country, created_at, updated_at)
            SELECT :id, :accountId, last_number, :customerId, :checkoutId, 'pending', :currency, :subtotal, :discount,
                   :total, :promoCodeId, :cardId, :cardId, :savedCard, :name, :line1, :line2, :city, :postalCode,
                   :region, :country, :createdAt, :createdAt
              FROM numbered
            RETURNING number
            """)
            .param("id", order.id())
            .param("savedCard", savedCard)
            .param("accountId", accountId)
            .param("customerId", order.customerId())
            .param("checkoutId", order.checkoutId())
            .param("currency", order.currency())
            .param("subtotal", order.subtotal())
            .param("discount", order.discount())
            .param("total", order.total())
            .param("promoCodeId", order.promoCodeId())
            .param("cardId", order.cardId())
            .param("createdAt", Timestamps.of(order.createdAt()));
        long number = withAddress(insert, order.billingAddress()).query(Long.class).single();
        var items = order.items();
        db.sql("""
            INSERT INTO order_items (id, account_id, order_id, position, kind, product_id, option_id, addon_id,
                                     upsell_id, name, amount)
            SELECT i.id, :accountId, :orderId, i.position - 1, i.kind, i.product_id, i.option_id, i.addon_id,
                   i.upsell_id, i.name, i.amount
              FROM unnest(CAST(:ids AS text[]), CAST(:kinds AS text[]), CAST(:productIds AS text[]),
                          CAST(:optionIds AS text[]), CAST(:addonIds AS text[]), CAST(:upsellIds AS text[]),
                          CAST(:names AS text[]), CAST(:amounts AS bigint[]))
                   WITH ORDINALITY AS i (id, kind, product_id, option_id, addon_id, upsell_id, name, amount, position)
            """)
            .param("accountId", accountId)
            .param("orderId", order.id())
            .param("ids", items.stream().map(Order.Item::id).toArray(String[]::new))
            .param("kinds", items.stream().map(Order.Item::kind).toArray(String[]::new))
            .param("productIds", items.stream().map(Order.Item::productId).toArray(String[]::new))
            .param("optionIds", items.stream().map(Order.Item::optionId).toArray(String[]::new))
            .param("addonIds", items.stream().map(Order.Item::addonId).toArray(String[]::new))
            .param("upsellIds", items.stream().map(Order.Item::upsellId).toArray(String[]::new))
            .param("names", items.stream().map(Order.Item::name).toArray(String[]::new))
            .param("amounts", items.stream().map(Order.Item::amount).toArray(Long[]::new))
            .update();
        return order.numbered(number);
    }

    /**
     * The card that pays what a pending order starts: the order's card, or the one a change of the customer's default
     * or a removal moved it to while the order was pending ({@code CardRecovery}), as it moved their subscriptions.
     * Read it with the customer locked ({@code Cards.holdDefault}), so that no such change is under way.
     */
    public String recurringCard(String accountId, String orderId) {
        return db.sql("SELECT recurring_card_id FROM orders WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", orderId)
            .query(String.class)
            .optional()
            .orElse(null);
    }

    /**
     * Records whether a pending order's payment went through, and answers the status the order had. An order is settled
     * once, but for this: a failed order becomes paid when a charge of it turns out to have been made after all (its
     * request stalled on its way to the gateway past the order's settlement, which found nothing there and failed it).
     * An order that was not pending is otherwise left as it is. A paid order takes its place among the customer's paid
     * orders ({@link Order#customerOrderNumber}): call it with the customer locked ({@code Cards.holdDefault}), so that
     * two orders of theirs paid at once are counted one after the other.
     */
    public Order.Status settle(String accountId, String orderId, Order.Status status) {
        // Locked by a statement of its own, so that the count of earlier paid orders below is read after the lock.
        Order.Status was = Order.Status.valueOf(db.sql("""
            SELECT status FROM orders WHERE account_id = :accountId AND id = :id FOR NO KEY UPDATE
            """)
            .param("accountId", accountId)
            .param("id", orderId)
            .query(String.class)
            .single()
            .toUpperCase(Locale.ROOT));
        if (was != Order.Status.PENDING && !(was == Order.Status.FAILED && status == Order.Status.PAID)) {
            return was;
        }
        db.sql("""
            UPDATE orders o
               SET status = :status, updated_at = :now,
                   customer_order_number = CASE WHEN :status = 'paid' THEN
                       (SELECT count(*) + 1 FROM orders earlier
                         WHERE earlier.account_id = o.account_id AND earlier.customer_id = o.customer_id
                           AND earlier.status IN ('paid', 'refunded')) END
             WHERE account_id = :accountId AND id = :id
            """)
            .param("status", status.code())
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("id", orderId)
            .update();
        return was;
    }

    /**
     * Brings the status of the order a payment paid in line with its payments, in the transaction that moved a
     * refund of that payment: {@code refunded} once every payment of the order that took money went back in full,
     * else {@code paid}. Only a paid or refunded order moves; a payment of no order (a renewal's) changes nothing.
     */
    void followRefunds(String accountId, String paymentId) {
        // The order row is locked first, in a statement of its own: the update's look at the payments then sees the
        // refund of another payment of the order that committed meanwhile, rather than a snapshot taken before it.
        var orderId = db.sql("""
            SELECT o.id FROM orders o
             WHERE o.account_id = :accountId
               AND o.id = (SELECT order_id FROM payments WHERE account_id = :accountId AND id = :paymentId)
               AND o.status IN ('paid', 'refunded')
               FOR NO KEY UPDATE
            """)
            .param("accountId", accountId)
            .param("paymentId", paymentId)
            .query(String.class)
            .optional();
        orderId.ifPresent(id -> db.sql("""
            UPDATE orders o
               SET status = CASE
                       WHEN EXISTS (SELECT 1 FROM payments p
                                     WHERE p.account_id = o.account_id AND p.order_id = o.id
                                       AND p.status = 'refunded')
                        AND NOT EXISTS (SELECT 1 FROM payments p
                                         WHERE p.account_id = o.account_id AND p.order_id = o.id
                                           AND p.status IN ('succeeded', 'disputed'))
                       THEN 'refunded' ELSE 'paid' END,
                   updated_at = :now
             WHERE o.account_id = :accountId AND o.id = :id
            """)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("id", id)
            .update());
    }

    /** Marks the order's checkout flow complete; true only for the call that did it, so the event is raised once. */
    public boolean completeFlow(String accountId, String orderId) {
        return db.sql("""
            UPDATE orders SET flow_completed_at = :now
             WHERE account_id = :accountId AND id = :id AND flow_completed_at IS NULL
            """)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("id", orderId)
            .update() == 1;
    }

    /**
     * Adds an accepted upsell to a paid order: a line, and its amount in the totals. Refuses one priced in
     * {@code currency} other than the order's: its amount would be booked as the wrong money. An order refunded in
     * full while the upsell's charge was at the gateway holds money again, and is {@code paid}.
     */
    /**
     * Locks the order until the caller's transaction ends, as adding an upsell to it does: the answers to its offers,
     * each under its offer's lock, are then counted one after the other, so that the last two given at once do not each
     * count the other as unanswered.
     */
    public void lockForAnswers(String accountId, String orderId) {
        db.sql("SELECT id FROM orders WHERE account_id = :accountId AND id = :id FOR NO KEY UPDATE")
            .param("accountId", accountId)
            .param("id", orderId)
            .query(String.class)
            .single();
    }

    public void addUpsell(String accountId, String orderId, String currency, Order.Item item) {
        int added = db.sql("""
            UPDATE orders SET subtotal = subtotal + :amount, total = total + :amount, updated_at = :now,
                              status = CASE WHEN status = 'refunded' AND :amount > 0 THEN 'paid' ELSE status END
             WHERE account_id = :accountId AND id = :id AND currency = :currency
            """)
            .param("amount", item.amount())
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("id", orderId)
            .param("currency", currency)
            .update();
        if (added == 0) {
            throw new TillException(ErrorCode.CURRENCY_MISMATCH, "Order " + orderId + " is not in " + currency
                + ": an upsell priced in " + currency + " cannot be added to it.");
        }
        int position = db.sql("SELECT count(*) FROM order_items WHERE account_id = :accountId AND order_id = :orderId")
            .param("accountId", accountId)
            .param("orderId", orderId)
            .query(Integer.class)
            .single();
        db.sql("""
            INSERT INTO order_items (id, account_id, order_id, position, kind, product_id, option_id, upsell_id, name,
                                     amount)
            VALUES (:id, :accountId, :orderId, :position, 'upsell', :productId, :optionId, :upsellId, :name, :amount)
            """)
            .param("id", item.id())
            .param("accountId", accountId)
            .param("orderId", orderId)
            .param("position", position)
            .param("productId", item.productId())
            .param("optionId", item.optionId())
            .param("upsellId", item.upsellId())
            .param("name", item.name())
            .param("amount", item.amount())
            .update();
    }

    /**
     * Whether a pending order of the customer is starting the free trial of {@code productId} (its option charged
     * nothing): a product that gives one trial per customer gives none to a purchase made meanwhile.
     */
    public boolean trialUnderWay(String accountId, String customerId, String productId) {
        return db.sql("""
            SELECT EXISTS (SELECT 1 FROM orders o
                             JOIN order_items oi ON oi.account_id = o.account_id AND oi.order_id = o.id
                            WHERE o.account_id = :accountId AND o.customer_id = :customerId AND o.status = 'pending'
                              AND oi.kind = 'option' AND oi.product_id = :productId AND oi.amount = 0)
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("productId", productId)
            .query(Boolean.class)
            .single();
    }

    /** The id of the account's order with this number, as buyers quote it ({@code #1042}). */
    public Optional<String> idOfNumber(String accountId, long number) {
        return db.sql("SELECT id FROM orders WHERE account_id = :accountId AND number = :number")
            .param("accountId", accountId)
            .param("number", number)
            .query(String.class)
            .optional();
    }

    /**
     * What the buyers' banks hold back in disputes of each of {@code orderIds}: its disputed payments, less what was
     * refunded of them before; only the orders with some.
     */
    Map<String, Long> disputed(String accountId, List<String> orderIds) {
        if (orderIds.isEmpty()) {
            return Map.of();
        }
        return db.sql("""
            SELECT order_id, sum(amount - amount_refunded) AS held FROM payments
             WHERE account_id = :accountId AND order_id IN (:orderIds) AND status = 'disputed'
             GROUP BY order_id
            """)
            .param("accountId", accountId)
            .param("orderIds", orderIds)
            .query((rs, row) -> Map.entry(rs.getString("order_id"), rs.getLong("held")))
            .list()
            .stream()
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    public Order get(String accountId, String id) {
        // Read before the order row, never inside its row mapper: a mapper runs while its query holds a connection, so
        // a query there takes a second one, and requests holding one each while waiting for another exhaust the pool.
        List<Order.Item> items = items(accountId, id);
        return db.sql("""
            SELECT o.*,
                   (SELECT p.id FROM payments p
                     WHERE p.account_id = o.account_id AND p.order_id = o.id ORDER BY p.id DESC LIMIT 1) AS payment_id,
                   (SELECT s.id FROM subscriptions s
                     WHERE s.account_id = o.account_id AND s.order_id = o.id ORDER BY s.id LIMIT 1) AS subscription_id,
                   (SELECT pp.id FROM payment_plans pp
                     WHERE pp.account_id = o.account_id AND pp.order_id = o.id ORDER BY pp.id LIMIT 1)
                   AS payment_plan_id,
                   (SELECT coalesce(sum(p.amount_refunded), 0) FROM payments p
                     WHERE p.account_id = o.account_id AND p.order_id = o.id) AS amount_refunded
              FROM orders o
             WHERE o.account_id = :accountId AND o.id = :id
            """)
            .param("accountId", accountId)
            .param("id", id)
            .query((rs, row) -> new Order(rs.getString("id"), rs.getLong("number"),
                rs.getObject("customer_order_number", Integer.class), rs.getString("customer_id"),
                rs.getString("checkout_id"),
                Order.Status.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)), rs.getString("currency"),
                rs.getLong("subtotal"), rs.getLong("discount"), rs.getLong("total"), rs.getLong("amount_refunded"),
                rs.getString("promo_code_id"),
                rs.getString("card_id"), items, rs.getString("payment_id"),
                rs.getString("subscription_id"), rs.getString("payment_plan_id"), address(rs),
                Timestamps.read(rs, "created_at")))
            .optional()
            .orElseThrow(() -> TillException.notFound("order", id));
    }

    Page<Order> list(String accountId, String customerId, PageRequest page) {
        return list(accountId, RecordFilter.ofCustomer(customerId), page);
    }

    Page<Order> list(String accountId, RecordFilter filter, PageRequest page) {
        var ids = db.sql("""
            SELECT id FROM orders
             WHERE account_id = :accountId
               AND (CAST(:customerId AS text) IS NULL OR customer_id = :customerId)
               AND (CAST(:status AS text) IS NULL OR status = :status)
               AND (CAST(:createdFrom AS timestamptz) IS NULL OR created_at >= :createdFrom)
               AND (CAST(:createdTo AS timestamptz) IS NULL OR created_at < :createdTo)
               AND (CAST(:afterId AS text) IS NULL OR id < :afterId)
             ORDER BY id DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("customerId", filter.customerId())
            .param("status", filter.status())
            .param("createdFrom", Timestamps.of(filter.from()))
            .param("createdTo", Timestamps.of(filter.to()))
            .param("afterId", page.afterId())
            .param("limit", page.fetchSize())
            .query(String.class)
            .list();
        var orders = new ArrayList<Order>();
        ids.forEach(id -> orders.add(get(accountId, id)));
        return page.page(orders, Order::id);
    }

    /**
     * Gives an order the buyer's billing address after the purchase, checked as a purchase checks it (errors under
     * {@code billing_address.*}); an empty one takes it away. The buyer's own view passes their {@code customerId}, so
     * that another customer's order is not found.
     */
    public Order changeBillingAddress(String accountId, String customerId, String orderId, BillingAddress given) {
        var errors = new FieldErrors();
        var address = BillingAddress.checked(given, "billing_address", errors);
        errors.throwIfAny();
        var update = db.sql("""
            UPDATE orders
               SET billing_name = :name, billing_line1 = :line1, billing_line2 = :line2, billing_city = :city,
                   billing_postal_code = :postalCode, billing_region = :region, billing_country = :country,
                   updated_at = :now
             WHERE account_id = :accountId AND id = :id
               AND (CAST(:customerId AS text) IS NULL OR customer_id = :customerId)
            """)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("id", orderId);
        int updated = withAddress(update, address).update();
        if (updated == 0) {
            throw TillException.notFound("order", orderId);
        }
        return get(accountId, orderId);
    }

    private static JdbcClient.StatementSpec withAddress(JdbcClient.StatementSpec statement, BillingAddress address) {
        boolean none = address == null;
        return statement.param("name", none ? null : address.name())
            .param("line1", none ? null : address.line1())
            .param("line2", none ? null : address.line2())
            .param("city", none ? null : address.city())
            .param("postalCode", none ? null : address.postalCode())
            .param("region", none ? null : address.region())
            .param("country", none ? null : address.country());
    }

    /** The order's billing address; every address has a country, so none without one. */
    private static BillingAddress address(ResultSet rs) throws SQLException {
        return rs.getString("billing_country") == null
            ? null
            : new BillingAddress(rs.getString("billing_name"), rs.getString("billing_line1"),
                rs.getString("billing_line2"), rs.getString("billing_city"), rs.getString("billing_postal_code"),
                rs.getString("billing_region"), rs.getString("billing_country"));
    }

    private List<Order.Item> items(String accountId, String orderId) {
        return db
            .sql("SELECT * FROM order_items WHERE account_id = :accountId AND order_id = :orderId ORDER BY position")
            .param("accountId", accountId)
            .param("orderId", orderId)
            .query((rs, row) -> new Order.Item(rs.getString("id"), rs.getString("kind"), rs.getString("product_id"),
                rs.getString("option_id"), rs.getString("addon_id"), rs.getString("upsell_id"), rs.getString("name"),
                rs.getLong("amount")))
            .list();
    }
}
