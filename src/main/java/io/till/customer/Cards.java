package io.till.customer;

import io.till.event.EventType;
import io.till.event.Events;
import io.till.idempotency.RequestEffects;
import io.till.payment.Gateways;
import io.till.payment.PaymentGateway;
import io.till.shared.ErrorCode;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Customers' saved cards. The gateway is asked to save a card before Till's transaction opens (a remote call never
 * holds a database transaction); the card, the default choice and {@code card.updated} are then written together.
 */
@Repository
public class Cards {

    /**
     * In SQL, whether subscription or plan {@code s} (of customer {@code c}) is paid with the card {@code card} (an
     * SQL expression: a column or a parameter): it is its own card, or it has none of its own on file (none, or one
     * removed) and {@code card} is the default, as {@code InvoiceCharges.cardFor} picks the card. The one rule for
     * every reader: a card's "in use", and the scope of a card's events.
     */
    public static String paidBy(String card) {
        return """
            (s.card_id = %1$s OR (c.default_card_id = %1$s AND NOT EXISTS (
              SELECT 1 FROM cards own WHERE own.id = s.card_id AND own.detached_at IS NULL)))""".formatted(card);
    }

    private static final String SELECT = """
        SELECT d.id, d.customer_id, d.brand, d.last4, d.exp_month, d.exp_year, d.created_at,
               (c.default_card_id = d.id AND d.detached_at IS NULL) AS is_default,
               d.detached_at IS NULL AND (
                 EXISTS (SELECT 1 FROM subscriptions s
                          WHERE s.account_id = d.account_id AND s.customer_id = d.customer_id
                            AND s.status <> 'canceled' AND %1$s)
                 OR EXISTS (SELECT 1 FROM payment_plans s
                             WHERE s.account_id = d.account_id AND s.customer_id = d.customer_id
                               AND s.status IN ('active', 'unpaid') AND %1$s)) AS in_use
          FROM cards d
          JOIN customers c ON c.id = d.customer_id
        """.formatted(paidBy("d.id"));

    private final JdbcClient db;
    private final RequestEffects effects;
    private final Customers customers;
    private final Gateways gateways;
    private final Events events;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final ApplicationEventPublisher publisher;

    Cards(JdbcClient db, Customers customers, Gateways gateways, Events events, TransactionTemplate transaction,
        Clock clock, ApplicationEventPublisher publisher, RequestEffects effects) {
        this.effects = effects;
        this.publisher = publisher;
        this.db = db;
        this.customers = customers;
        this.gateways = gateways;
        this.events = events;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** Saves a card for the customer; the first card, or one saved with {@code makeDefault}, becomes the default. */
    public Card attach(String accountId, String customerId, PaymentGateway.CardToken token, boolean makeDefault) {
        var earlier = effects.recordedBefore("card");
        if (earlier.isPresent()) {
            // Saved by an earlier attempt of this keyed request, which never got to answer: not attached again.
            return get(accountId, customerId, earlier.get());
        }
        // Refused before the gateway hears of them: it would keep a new copy of an erased customer (a Stripe Customer).
        Customers.refuseIfRedacted(customers.get(accountId, customerId), "given a card");
        PaymentGateway gateway = gateways.forAccount(accountId);
        return add(accountId, customerId, gateway.name(), gateway.attach(token), makeDefault);
    }

    /**
     * Saves a card for the customer as {@link #attach} does, unless this very card is saved for them already: then
     * that one is the answer, and nothing changes. A buyer's double click on "Add card" saves one card. The card is
     * known by what the gateway tells of it (brand, last 4 digits, expiry): a buyer with two cards alike in all of
     * those, on one gateway, is rarer than a double click, and could not tell them apart on the page anyway.
     */
    public Card attachOnce(String accountId, String customerId, PaymentGateway.CardToken token, boolean tell) {
        Customers.refuseIfRedacted(customers.get(accountId, customerId), "given a card");
        PaymentGateway gateway = gateways.forAccount(accountId);
        return save(accountId, customerId, gateway.name(), gateway.attach(token), false, false, true, tell);
    }

    /**
     * Saves a card the customer confirmed with the gateway itself (a Stripe SetupIntent), as {@link #attach} does: the
     * same card saved again (a confirmation sent twice) is answered with the first one.
     *
     * @param tell whether saving it raises {@code card.updated}: not when the caller chooses it at once for what it is
     *     to pay, whose choice says so (one action of the buyer, one event for the automations it starts)
     */
    public Card add(String accountId, String customerId, String gateway, PaymentGateway.AttachedCard attached,
        boolean makeDefault, boolean tell) {
        return save(accountId, customerId, gateway, attached, makeDefault, false, false, tell);
    }

    private Card add(String accountId, String customerId, String gateway, PaymentGateway.AttachedCard attached,
        boolean makeDefault) {
        return save(accountId, customerId, gateway, attached, makeDefault, true, false, true);
    }

    /**
     * @param defaultIfNone whether the card becomes the default whenever the customer has none; otherwise (a card a
     *     buyer saves in the portal, which pays what they choose it for, seed 003) only when nothing would start
     *     paying with it ({@link #keepsDefault})
     * @param alike whether a saved card alike (brand, last 4, expiry) counts as the same card, not only its reference
     */
    private Card save(String accountId, String customerId, String gateway, PaymentGateway.AttachedCard attached,
        boolean makeDefault, boolean defaultIfNone, boolean alike, boolean tell) {
        return transaction.execute(status -> {
            // The customer's lock orders two saves of one card: the second finds the first's.
            Customer customer = customers.lockForUpdate(accountId, customerId);
            Customers.refuseIfRedacted(customer, "given a card");
            var earlier = saved(accountId, customerId, gateway, attached, alike);
            if (earlier.isPresent()) {
                return get(accountId, customerId, earlier.get());
            }
            String id = insert(accountId, customerId, gateway, attached);
            // A keyed API request's card, so that the request sent again answers it (nothing without a key).
            effects.recorded("card", id);
            if (makeDefault || customer.defaultCard() == null && (defaultIfNone
                || !keepsDefault(accountId, customer, id))) {
                setDefault(accountId, customerId, id);
            }
            Customer updated = customers.get(accountId, customerId);
            // What follows the default moves first, so the card read after it says what it pays (in_use).
            publisher.publishEvent(new CardEvents.PaymentCardChanged(accountId, customerId, defaultId(customer),
                defaultId(updated)));
            Card card = get(accountId, customerId, id);
            if (tell) {
                events.record(accountId, EventType.CARD_UPDATED, customerId, Map.of("card", card, "customer",
                    updated));
            }
            return card;
        });
    }

    /**
     * The customer's saved card that {@code attached} is: the same gateway reference, or ({@code alike}) the same
     * brand, last 4 digits and expiry, which is all a buyer (or staff) can tell two cards apart by.
     */
    private java.util.Optional<String> saved(String accountId, String customerId, String gateway,
        PaymentGateway.AttachedCard attached, boolean alike) {
        return db.sql("""
            SELECT id FROM cards
             WHERE account_id = :accountId AND customer_id = :customerId AND gateway = :gateway
               AND detached_at IS NULL
               AND (gateway_reference = :reference
                    OR :alike AND brand = :brand AND last4 = :last4 AND exp_month = :expMonth
                       AND exp_year = :expYear)
             ORDER BY id
             LIMIT 1
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("gateway", gateway)
            .param("reference", attached.reference())
            .param("alike", alike)
            .param("brand", attached.brand())
            .param("last4", attached.last4())
            .param("expMonth", attached.expMonth())
            .param("expYear", attached.expYear())
            .query(String.class)
            .optional();
    }

    /**
     * Saves a card the gateway already accepted, as part of a purchase: it becomes the default if the customer has
     * none. A card alike to one saved already (a buyer trying again after a decline, with the same card) is that one:
     * two entries that read the same ("Visa ending in 0341 · 12/2031") could not be told apart on any page. No
     * {@code card.updated}: that event is for a customer changing the card they pay with.
     */
    public Purchased save(String accountId, String customerId, String gateway, PaymentGateway.AttachedCard attached) {
        Customer customer = customers.lockForUpdate(accountId, customerId);
        var earlier = saved(accountId, customerId, gateway, attached, true);
        if (earlier.isPresent()) {
            return new Purchased(get(accountId, customerId, earlier.get()), false);
        }
        String id = insert(accountId, customerId, gateway, attached);
        if (customer.defaultCard() == null) {
            setDefault(accountId, customerId, id);
        }
        return new Purchased(get(accountId, customerId, id), true);
    }

    /** A card a purchase pays with, and whether that purchase saved it ({@code added}) or found it saved already. */
    public record Purchased(Card card, boolean added) {}

    /** How the gateway finds a saved card of this customer, if there is one with this id. */
    public java.util.Optional<String> gatewayReference(String accountId, String customerId, String cardId) {
        return db.sql("""
            SELECT gateway_reference FROM cards
             WHERE account_id = :accountId AND customer_id = :customerId AND id = :id AND detached_at IS NULL
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("id", cardId)
            .query(String.class)
            .optional();
    }

    /**
     * How the gateway finds a saved card of this customer, as {@link #gatewayReference}, and the card kept saved until
     * the caller's transaction ends: a removal waits for it, and one that came first is seen (empty). A purchase writes
     * its pending order under it, so that no order is left naming a card removed before it was written.
     */
    public java.util.Optional<String> holdSaved(String accountId, String customerId, String cardId) {
        return db.sql("""
            SELECT gateway_reference FROM cards
             WHERE account_id = :accountId AND customer_id = :customerId AND id = :id AND detached_at IS NULL
               FOR SHARE
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("id", cardId)
            .query(String.class)
            .optional();
    }

    /**
     * The card that pays from now on for what a payment with {@code cardId} starts (a subscription, a plan): that
     * card while it is saved; once it was removed, the customer's default, as {@link #detach} moves whatever else the
     * removed card paid (null when no card is left). Locks the customer as a removal does, so a removal either came
     * first and is seen here, or waits for the caller's transaction and then moves what it started.
     */
    public String payingFor(String accountId, String customerId, String cardId) {
        Customer customer = customers.lockForUpdate(accountId, customerId);
        if (cardId == null || gatewayReference(accountId, customerId, cardId).isPresent()) {
            return cardId;
        }
        return defaultId(customer);
    }

    /**
     * The customer's default card (null when they have none), the customer locked until the caller's transaction ends,
     * as a change of their cards locks them: a change of the default either came first and is seen here, or waits.
     */
    public String holdDefault(String accountId, String customerId) {
        return defaultId(customers.lockForUpdate(accountId, customerId));
    }

    /**
     * A card just chosen to pay a subscription or plan becomes the customer's default when the default pays nothing any
     * more (or there is none): a buyer who replaced the card that failed has that card as their card on file, on the
     * staff's record and in {@code customer.default_card}, not the dead one (a reviewer found every recovered customer
     * still listed with the declined card). A default that still pays something stays: moving it would move what
     * follows it, and choosing a card for one subscription never changes another's.
     */
    public void adoptIfDefaultIdle(String accountId, String customerId, String cardId) {
        transaction.executeWithoutResult(status -> {
            Customer customer = customers.lockForUpdate(accountId, customerId);
            if (keepsDefault(accountId, customer, cardId)) {
                return;
            }
            // Without a card.updated of its own: the choice that made the card pay something said it.
            makeDefault(accountId, customerId, cardId, false);
        });
    }

    /**
     * At a purchase (the customer locked by the caller), the card chosen to pay what it starts becomes the customer's
     * default as {@link #adoptIfDefaultIdle} has it: when the default pays nothing any more. A buyer who comes back with
     * a new card after their subscription on a dead one ended has the new one as their card on file. Nothing follows a
     * default that pays nothing, so nothing moves; and no {@code card.updated}, which is for a buyer changing cards.
     */
    public void adoptAtPurchase(String accountId, String customerId, String cardId) {
        if (!keepsDefault(accountId, customers.get(accountId, customerId), cardId)
            && findSaved(accountId, cardId).isPresent()) {
            setDefault(accountId, customerId, cardId);
        }
    }

    /**
     * Whether the customer's default stays when {@code cardId} is chosen to pay something: it is that card, or it still
     * pays something. A default removed meanwhile pays nothing. With no default, none stays none while a subscription
     * or plan of theirs has no card of its own: a new default would start paying it, when the buyer chose the card for
     * something else (seed 003: choosing a card for one never changes another's).
     */
    private boolean keepsDefault(String accountId, Customer customer, String cardId) {
        if (customer.defaultCard() == null) {
            return withoutACard(accountId, customer.id());
        }
        return customer.defaultCard().id().equals(cardId)
            || findSaved(accountId, customer.defaultCard().id()).map(Card::inUse).orElse(false);
    }

    /** Whether a subscription or plan of the customer still billed has no saved card of its own. */
    private boolean withoutACard(String accountId, String customerId) {
        return db.sql("""
            SELECT EXISTS (SELECT 1 FROM subscriptions s
                            WHERE s.account_id = :accountId AND s.customer_id = :customerId
                              AND s.status <> 'canceled' AND %1$s)
                OR EXISTS (SELECT 1 FROM payment_plans s
                            WHERE s.account_id = :accountId AND s.customer_id = :customerId
                              AND s.status IN ('active', 'unpaid') AND %1$s)
            """.formatted("""
            NOT EXISTS (SELECT 1 FROM cards own
                         WHERE own.account_id = s.account_id AND own.id = s.card_id AND own.detached_at IS NULL)"""))
            .param("accountId", accountId)
            .param("customerId", customerId)
            .query(Boolean.class)
            .single();
    }

    /** Makes a saved card the customer's default; raises {@code card.updated} when that changes anything. */
    Card makeDefault(String accountId, String customerId, String cardId) {
        return makeDefault(accountId, customerId, cardId, true);
    }

    private Card makeDefault(String accountId, String customerId, String cardId, boolean tell) {
        return transaction.execute(status -> {
            Customer customer = customers.lockForUpdate(accountId, customerId);
            Card card = get(accountId, customerId, cardId);
            if (customer.defaultCard() != null && customer.defaultCard().id().equals(cardId)) {
                return card;
            }
            if (card.expiredAt(Timestamps.now(clock))) {
                // What follows the default would move to it, and every charge on it be declined (dunning for nothing).
                throw new TillException(ErrorCode.INVALID_STATE, card.name() + " expired " + card.expiry() + ", so it "
                    + "cannot be the default card: every charge on it would be declined. Add a new card instead.");
            }
            setDefault(accountId, customerId, cardId);
            // What follows the default moves first, so the card read after it says what it pays (in_use).
            publisher.publishEvent(new CardEvents.PaymentCardChanged(accountId, customerId, defaultId(customer),
                cardId));
            Card updated = get(accountId, customerId, cardId);
            if (tell) {
                events.record(accountId, EventType.CARD_UPDATED, customerId,
                    Map.of("card", updated, "customer", customers.get(accountId, customerId)));
            }
            return updated;
        });
    }

    /**
     * Holds the customer's saved cards until the transaction ends, as a removal, a new default or a new card does: a
     * card then chosen to pay something is read after any removal of it under way, never before it commits (when the
     * removal has already moved what the card paid). Taken before the subscription or plan it is for, customer first,
     * as a purchase and a removal take them.
     */
    public void holdWallet(String accountId, String customerId) {
        customers.lockForUpdate(accountId, customerId);
    }

    /**
     * Removes a card from the customer's wallet; it stays on record for the payments made with it. If it was the
     * default, the most recently saved remaining card takes its place; what it paid is paid with the default from now
     * on ({@link CardEvents.Removed}).
     */
    public void detach(String accountId, String customerId, String cardId) {
        detach(accountId, customerId, cardId, true);
    }

    /**
     * Removes a card from the wallet unless it is off it already (removed by the buyer meanwhile): what a declined
     * purchase does with the card it saved, whose decline must be recorded either way.
     */
    public void detachIfSaved(String accountId, String customerId, String cardId) {
        detach(accountId, customerId, cardId, false);
    }

    private void detach(String accountId, String customerId, String cardId, boolean required) {
        transaction.executeWithoutResult(status -> {
            Customer customer = customers.lockForUpdate(accountId, customerId);
            if (!required && findSaved(accountId, cardId).filter(card -> card.customerId().equals(customerId))
                .isEmpty()) {
                return;
            }
            get(accountId, customerId, cardId);
            db.sql("UPDATE cards SET detached_at = :now WHERE account_id = :accountId AND id = :id")
                .param("now", Timestamps.of(Timestamps.now(clock)))
                .param("accountId", accountId)
                .param("id", cardId)
                .update();
            if (customer.defaultCard() != null && customer.defaultCard().id().equals(cardId)) {
                // The most recently saved card that has not expired: an expired one would be declined at every charge.
                Instant now = Timestamps.now(clock);
                String next = db.sql("""
                    SELECT id, exp_month, exp_year FROM cards
                     WHERE account_id = :accountId AND customer_id = :customerId AND detached_at IS NULL
                     ORDER BY id DESC
                    """)
                    .param("accountId", accountId)
                    .param("customerId", customerId)
                    .query((rs, row) -> Card.expiredAt(rs.getInt("exp_month"), rs.getInt("exp_year"), now)
                        ? null
                        : rs.getString("id"))
                    .list()
                    .stream()
                    .filter(java.util.Objects::nonNull)
                    .findFirst()
                    .orElse(null);
                setDefault(accountId, customerId, next);
            }
            publisher.publishEvent(new CardEvents.Removed(accountId, customerId, cardId, defaultId(
                customers.get(accountId, customerId))));
        });
    }

    private String insert(String accountId, String customerId, String gateway, PaymentGateway.AttachedCard attached) {
        String id = Ids.newId("card");
        var now = Timestamps.now(clock);
        db.sql("""
            INSERT INTO cards (id, account_id, customer_id, gateway, gateway_reference, brand, last4, exp_month,
                               exp_year, created_at)
            VALUES (:id, :accountId, :customerId, :gateway, :reference, :brand, :last4, :expMonth, :expYear, :now)
            """)
            .param("id", id)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("gateway", gateway)
            .param("reference", attached.reference())
            .param("brand", attached.brand())
            .param("last4", attached.last4())
            .param("expMonth", attached.expMonth())
            .param("expYear", attached.expYear())
            .param("now", Timestamps.of(now))
            .update();
        publisher.publishEvent(new CardEvents.Saved(accountId, customerId, id, attached.expMonth(),
            attached.expYear(), now));
        return id;
    }

    /** A saved card of any customer of the account, unless it was removed. */
    public java.util.Optional<Card> findSaved(String accountId, String cardId) {
        return db.sql(SELECT + " WHERE d.account_id = :accountId AND d.id = :id AND d.detached_at IS NULL")
            .param("accountId", accountId)
            .param("id", cardId)
            .query(Cards::card)
            .optional();
    }

    /** The account's saved cards (not removed) that expire in {@code year}/{@code month} or later, oldest first. */
    public java.util.List<Card> savedExpiringFrom(String accountId, int year, int month) {
        return db.sql(SELECT + """
             WHERE d.account_id = :accountId AND d.detached_at IS NULL
               AND (d.exp_year > :year OR d.exp_year = :year AND d.exp_month >= :month)
             ORDER BY d.id
            """)
            .param("accountId", accountId)
            .param("year", year)
            .param("month", month)
            .query(Cards::card)
            .list();
    }

    /**
     * A card of any customer of the account as it is now, removed or not: a removed card stays on record for the
     * payments made with it, but is nobody's default any more.
     */
    public java.util.Optional<Card> findOnRecord(String accountId, String cardId) {
        return db.sql(SELECT + " WHERE d.account_id = :accountId AND d.id = :id")
            .param("accountId", accountId)
            .param("id", cardId)
            .query(Cards::card)
            .optional();
    }

    public Card get(String accountId, String customerId, String cardId) {
        return db.sql(SELECT + """
             WHERE d.account_id = :accountId AND d.customer_id = :customerId AND d.id = :id
               AND d.detached_at IS NULL
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("id", cardId)
            .query(Cards::card)
            .optional()
            .orElseThrow(() -> TillException.notFound("payment method", cardId));
    }

    public Page<Card> list(String accountId, String customerId, PageRequest page) {
        customers.get(accountId, customerId);
        var cards = db.sql(SELECT + """
             WHERE d.account_id = :accountId AND d.customer_id = :customerId AND d.detached_at IS NULL
               AND (CAST(:afterId AS text) IS NULL OR d.id < :afterId)
             ORDER BY d.id DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("afterId", page.afterId())
            .param("limit", page.fetchSize())
            .query(Cards::card)
            .list();
        return page.page(cards, Card::id);
    }

    private void setDefault(String accountId, String customerId, String cardId) {
        db.sql("UPDATE customers SET default_card_id = :cardId WHERE account_id = :accountId AND id = :customerId")
            .param("cardId", cardId)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .update();
    }

    private static String defaultId(Customer customer) {
        return customer.defaultCard() == null ? null : customer.defaultCard().id();
    }

    private static Card card(ResultSet rs, int row) throws SQLException {
        return new Card(rs.getString("id"), rs.getString("customer_id"), rs.getString("brand"), rs.getString("last4"),
            rs.getInt("exp_month"), rs.getInt("exp_year"), rs.getBoolean("is_default"),
            rs.getBoolean("in_use"), Timestamps.read(rs, "created_at"));
    }
}
