package io.till.checkout;

import io.till.billing.BillingJobs;
import io.till.billing.Order;
import io.till.billing.Orders;
import io.till.billing.Payments;
import io.till.catalog.Product;
import io.till.catalog.ProductOption;
import io.till.catalog.Products;
import io.till.checkout.UpsellOffers.Offer;
import io.till.customer.Cards;
import io.till.idempotency.RequestEffects;
import io.till.payment.CardDeclinedException;
import io.till.payment.Gateways;
import io.till.payment.PaymentGateway;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One-click upsells after a purchase. Accepting charges the card of the order at once (key
 * {@code order:<id>:upsell:<id>}, so a double click charges once); declining records the answer. When every upsell is
 * answered, or two hours after the purchase, the checkout flow is complete and the offers left unanswered expire.
 */
@Component
class Upsells {

    /** How long a buyer has to answer the upsells before the flow counts as complete (the seeds' grace period). */
    static final Duration GRACE = Duration.ofHours(2);
    /** How long an accept's charge holds its offer at most: a crashed node's hold runs out. */
    private static final Duration CHARGE_HOLD = Duration.ofMinutes(5);
    /** When a claimed charge nobody booked is settled from the gateway's word: once its hold has run out. */
    private static final Duration SETTLE_AFTER = Duration.ofMinutes(10);
    /** The gateway key of an accept's charge: {@code order:<order>:upsell:<upsell>:attempt:<n>}. */
    private static final Pattern CHARGE_KEY = Pattern.compile("order:([^:]+):upsell:([^:]+):attempt:\\d+");

    private final JdbcClient db;
    private final Checkouts checkouts;
    private final Products products;
    private final Orders orders;
    private final Payments payments;
    private final Cards cards;
    private final Gateways gateways;
    private final BillingJobs jobs;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final RequestEffects movements;
    private final UpsellOffers offers;
    private final UpsellBookings bookings;

    Upsells(JdbcClient db, Checkouts checkouts, Products products, Orders orders, Payments payments, Cards cards,
        Gateways gateways, BillingJobs jobs, TransactionTemplate transaction, Clock clock, RequestEffects movements,
        UpsellOffers offers, UpsellBookings bookings) {
        this.bookings = bookings;
        this.movements = movements;
        this.offers = offers;
        this.db = db;
        this.checkouts = checkouts;
        this.products = products;
        this.orders = orders;
        this.payments = payments;
        this.cards = cards;
        this.gateways = gateways;
        this.jobs = jobs;
        this.transaction = transaction;
        this.clock = clock;
    }

    /**
     * Offers the checkout's upsells on a paid order and starts the grace timer, or, with none the buyer could take,
     * completes the flow the moment the purchase is (inside the purchase's transaction). Only the upsells sold in the
     * order's currency are offered: a product sold in two currencies may have upsells in either, and one in the other
     * currency could never be bought with this order (Till converts no money), only hold the flow's end back.
     */
    void offerOrComplete(String accountId, Order order, Checkout checkout, Instant now) {
        var offered = checkout.upsells().stream()
            .filter(upsell -> products.option(accountId, upsell.optionId())
                .filter(option -> option.currency().equalsIgnoreCase(order.currency())).isPresent())
            .map(Checkout.Upsell::id)
            .toList();
        if (offered.isEmpty()) {
            bookings.complete(accountId, order, checkout);
            return;
        }
        offers.offer(accountId, order.id(), offered);
        jobs.schedule(accountId, BillingJobs.Kind.CHECKOUT_FLOW_GRACE, order.id(), now.plus(GRACE));
    }

    Order accept(String accountId, String orderId, String upsellId) {
        Order order = paid(accountId, orderId);
        Checkout checkout = checkoutOf(accountId, order);
        // An earlier attempt of this request (same Idempotency-Key) reached the charge under this key: if it was
        // recorded, the answer is the order; if not, the same key asks the gateway again, which charges at most once.
        Optional<String> earlierKey = movements.reachedBefore().filter(key -> key.startsWith("order:" + orderId
            + ":upsell:" + upsellId + ":"));
        Checkout.Upsell upsell = upsellOf(accountId, checkout, upsellId);
        ProductOption option = products.option(accountId, upsell.optionId()).orElseThrow();
        requireOrderCurrency(order, upsellId, option);
        Offer offer = closedIfPast(accountId, orderId, upsellId, earlierKey.isEmpty());
        if (earlierKey.isPresent() && offer == Offer.ACCEPTED) {
            return order;
        }
        // That earlier attempt was made while the offer stood: it is finished even if the flow completed since.
        if (earlierKey.isEmpty() || offer != Offer.EXPIRED) {
            offer.requireOpen();
        }
        Product product = products.get(accountId, option.productId());
        PaymentGateway gateway = gateways.forAccount(accountId);
        // One key per attempt: a double click repeats the attempt (one charge), a retry after a decline is a new one.
        long failed = db.sql("""
            SELECT count(*) FROM payments
             WHERE account_id = :accountId AND order_id = :orderId AND status = 'failed'
               AND idempotency_key LIKE :prefix
            """)
            .param("accountId", accountId)
            .param("orderId", orderId)
            .param("prefix", "order:" + orderId + ":upsell:" + upsellId + ":%")
            .query(Long.class)
            .single();
        String key = earlierKey.orElse("order:" + orderId + ":upsell:" + upsellId + ":attempt:" + (failed + 1));
        // Nothing at once for a free trial this customer may have (one trial per customer, when the product says so),
        // unless this attempt asked the gateway for the price already: whether the trial is theirs may have changed
        // since (the product's rule, their subscriptions), the charge it made has not.
        var askedBefore = offers.asked(accountId, orderId, upsellId, key);
        long amount = askedBefore.map(UpsellOffers.Asked::amount)
            .orElseGet(() -> products.startsWithTrial(accountId, product, option, order.customerId())
                ? 0
                : option.amount());
        // Not for an attempt that went to the gateway already: what it charged, if anything, is booked.
        if (amount > 0 && askedBefore.isEmpty()) {
            gateway.chargeRefusal(amount, option.currency()).ifPresent(reason -> {
                throw new TillException(ErrorCode.AMOUNT_NOT_SUPPORTED, "Upsell " + upsellId + " cannot be charged: "
                    + reason + " Nothing was charged; the offer is still open.");
            });
        }
        var charge = amount > 0
            ? charge(accountId, order, upsell, option, gateway, key, amount, earlierKey.isPresent())
            : new Charge(0, null);
        if (charge.result() instanceof PaymentGateway.ChargeResult.Declined declined) {
            transaction.executeWithoutResult(status -> bookings.bookDeclined(accountId, order, upsellId, option,
                charge.amount(), gateway.name(), key, declined));
            var records = new LinkedHashMap<String, String>();
            records.put("order_id", orderId);
            payments.findByKey(accountId, key).ifPresent(payment -> records.put("payment_id", payment.id()));
            throw new CardDeclinedException("payment_method", declined.code(), declined.message()
                + " The upsell was not bought; it can be accepted again with another card on the order.", records);
        }
        return transaction.execute(status -> bookings.book(accountId, order, checkout, upsell, option, product,
            charge.amount(), gateway.name(), key, charge.result()));
    }

    /** What an accept charged ({@code result} null when nothing was due) and the amount to book it with. */
    private record Charge(long amount, PaymentGateway.ChargeResult result) {}

    /**
     * Charges the accept's {@code amount} under {@code key}, or what the key asked first (a double click, an accept
     * resumed: one request, one amount).
     */
    private Charge charge(String accountId, Order order, Checkout.Upsell upsell, ProductOption option,
        PaymentGateway gateway, String key, long amount, boolean resumed) {
        // A retry whose card was removed since its first attempt: what that attempt charged is booked, and a removed
        // card is never charged anew.
        Optional<PaymentGateway.ChargeResult> made = resumed
            && cards.gatewayReference(accountId, order.customerId(), order.cardId()).isEmpty()
                ? gateway.findCharge(accountId, key)
                : Optional.empty();
        if (made.isPresent()) {
            return new Charge(amount, made.get());
        }
        Claim claim = claimCharge(accountId, order, upsell.id(), key, amount, resumed);
        return new Charge(claim.amount(), gateway.charge(new PaymentGateway.ChargeRequest(accountId, key,
            claim.reference(), claim.amount(), option.currency(), upsell.name() + " (order #" + order.number() + ", "
                + order.id() + ")",
            PaymentGateway.sendBy(claim.at()))));
    }

    /**
     * The billing clock's {@code UPSELL_SETTLEMENT}, ten minutes after an accept claimed its charge under
     * {@code key}: if the offer is still held by that charge, the accept was cut off between the gateway and its
     * booking (a node died), and nobody retried it. What the gateway says happened under the key is booked: the upsell
     * bought, or its decline, with what the charge asked; a charge that never reached the gateway lets the offer go,
     * unless the accept was resumed since the gateway was asked. Money taken is never left off the order for want of
     * a retry.
     */
    void settle(String accountId, String key) {
        Matcher parts = CHARGE_KEY.matcher(key);
        if (!parts.matches()) {
            return;
        }
        String orderId = parts.group(1);
        String upsellId = parts.group(2);
        if (payments.findByKey(accountId, key).isPresent()) {
            // Booked: by the accept, or by its retry.
            return;
        }
        Optional<UpsellOffers.Asked> asked = offers.asked(accountId, orderId, upsellId, key);
        Instant now = Timestamps.now(clock);
        if (asked.isPresent() && asked.get().until().isAfter(now)) {
            // A double click of the same accept claimed it again: its request may still be at the gateway.
            jobs.schedule(accountId, BillingJobs.Kind.UPSELL_SETTLEMENT, key, asked.get().until().plus(CHARGE_HOLD));
            return;
        }
        // Asked even when the offer was answered since (a decline once the hold ran out, the flow's end): money the
        // gateway took is booked all the same.
        Order order = orders.get(accountId, orderId);
        Checkout checkout = checkoutOf(accountId, order);
        Checkout.Upsell upsell = upsellOf(accountId, checkout, upsellId);
        ProductOption option = products.option(accountId, upsell.optionId()).orElseThrow();
        Product product = products.get(accountId, option.productId());
        // Booked with what the charge asked; once the offer was answered, with its price, as an accept asks nothing
        // else.
        long amount = asked.map(UpsellOffers.Asked::amount).orElse(option.amount());
        PaymentGateway gateway = gateways.forAccount(accountId);
        Optional<PaymentGateway.ChargeResult> made = gateway.findCharge(accountId, key);
        transaction.executeWithoutResult(status -> {
            if (made.isEmpty()) {
                // The charge never reached the gateway as it looked: nothing to book, and the offer is free again,
                // unless the accept was resumed since (its request may be at the gateway now), whose hold is settled
                // when it runs out.
                if (asked.isPresent() && !offers.releaseUnasked(accountId, orderId, upsellId, asked.get())) {
                    offers.asked(accountId, orderId, upsellId, key).ifPresent(again -> jobs.schedule(accountId,
                        BillingJobs.Kind.UPSELL_SETTLEMENT, key, again.until().plus(CHARGE_HOLD)));
                }
            } else if (made.get() instanceof PaymentGateway.ChargeResult.Declined declined) {
                bookings.bookDeclined(accountId, order, upsellId, option, amount, gateway.name(), key, declined);
            } else {
                bookings.book(accountId, order, checkout, upsell, option, product, amount, gateway.name(), key,
                    made.get());
            }
        });
    }

    Order decline(String accountId, String orderId, String upsellId) {
        Order order = paid(accountId, orderId);
        Checkout checkout = checkoutOf(accountId, order);
        upsellOf(accountId, checkout, upsellId);
        closedIfPast(accountId, orderId, upsellId, true).requireOpen();
        return transaction.execute(status -> {
            UpsellOffers.Locked offer = offers.lock(accountId, orderId, upsellId);
            Offer locked = offer.offer();
            if (locked == Offer.EXPIRED) {
                locked.requireOpen();
            }
            if (locked == Offer.OFFERED && offer.charging()) {
                throw new TillException(ErrorCode.CHARGE_IN_PROGRESS, "Upsell " + upsellId + " is being accepted: "
                    + "its charge is at the gateway. Nothing was declined; try again in a moment.");
            }
            if (locked == Offer.OFFERED) {
                offers.answer(accountId, orderId, upsellId, Offer.DECLINED, null, Timestamps.now(clock));
                bookings.completeIfAnswered(accountId, order, checkout);
            }
            return orders.get(accountId, orderId);
        });
    }

    /**
     * The offer's answer as it stands, once its window is over: a window past its end whose timer the billing clock has
     * not run yet (a backlog of due work, a node restarting) is closed here first, so that an accept after it is
     * refused as one after the timer would be. {@code asNew}: false for an earlier attempt of the same accept, which
     * was made while the offer stood and is finished whatever came since.
     */
    private Offer closedIfPast(String accountId, String orderId, String upsellId, boolean asNew) {
        Offer offer = offers.status(accountId, orderId, upsellId);
        if (asNew && offer == Offer.OFFERED
            && jobs.isDue(accountId, BillingJobs.Kind.CHECKOUT_FLOW_GRACE, orderId, Timestamps.now(clock))) {
            graceOver(accountId, orderId);
            return offers.status(accountId, orderId, upsellId);
        }
        return offer;
    }

    void graceOver(String accountId, String orderId) {
        transaction.executeWithoutResult(status -> {
            Order order = orders.get(accountId, orderId);
            bookings.complete(accountId, order, checkoutOf(accountId, order));
        });
    }

    /** The order, if its purchase was paid: only a paid purchase offers upsells. */
    private Order paid(String accountId, String orderId) {
        Order order = orders.get(accountId, orderId);
        if (order.status() != Order.Status.PAID) {
            throw new TillException(ErrorCode.INVALID_STATE, "Order " + orderId + " was not paid (it is "
                + order.status().code() + "): upsells are offered only after a paid purchase.");
        }
        return order;
    }

    /**
     * Refuses, before any charge, an upsell the order cannot book: one in another currency than the order's (a product
     * sold in two currencies may have upsells in either; one in neither was saved before checkouts refused it). Such
     * an upsell was never offered on the order.
     */
    private static void requireOrderCurrency(Order order, String upsellId, ProductOption option) {
        OneCurrency.refusal(option.currency(), "order", List.of(order.currency())).ifPresent(reason -> {
            throw new TillException(ErrorCode.CURRENCY_MISMATCH, "Upsell " + upsellId + " " + reason
                + ": Till converts no money, so it is not offered on this order and nothing was charged. It is "
                + "offered on orders paid in " + option.currency() + ".");
        });
    }

    private Checkout checkoutOf(String accountId, Order order) {
        if (order.checkoutId() == null) {
            throw TillException.notFound("upsell of order", order.id());
        }
        return checkouts.get(accountId, order.checkoutId());
    }

    /** The upsell, retired or not: an order offered it before the seller took it away may still answer it. */
    private Checkout.Upsell upsellOf(String accountId, Checkout checkout, String upsellId) {
        return checkouts.upsellEver(accountId, checkout.id(), upsellId)
            .orElseThrow(() -> TillException.notFound("upsell", upsellId));
    }

    /** An accept's claim of its offer: how the gateway finds the order's card, and what to ask it for. */
    private record Claim(String reference, long amount, Instant at) {}

    /**
     * Holds the open offer for the accept about to charge {@code amount} under {@code key} (the same key may always go
     * on, as a double click or a resumed accept does, and asks what it asked first): a decline meanwhile is refused
     * rather than left to win over money taken. Each request under the key claims and leaves its settlement, should it
     * be cut off after the gateway: a resumed one too, since the settlement of the first may have let the offer go.
     * Refuses an offer answered since, or held by another attempt; and, holding nothing, an order whose card was
     * removed (held saved while the claim is written, as a purchase holds it: a removal after it is charged all the
     * same, and what the accept starts follows the default).
     *
     * @param resumed whether an earlier attempt of this request claimed the offer under {@code key} already (its
     *     charge is finished even if the flow completed since)
     */
    private Claim claimCharge(String accountId, Order order, String upsellId, String key, long amount,
        boolean resumed) {
        Instant now = Timestamps.now(clock);
        return transaction.execute(status -> {
            var asked = offers.ask(accountId, order.id(), upsellId, key, amount, resumed, now.plus(CHARGE_HOLD), now);
            if (asked.isEmpty()) {
                var offer = offers.status(accountId, order.id(), upsellId);
                if (!(resumed && offer == Offer.EXPIRED)) {
                    offer.requireOpen();
                }
                throw new TillException(ErrorCode.CHARGE_IN_PROGRESS, "Upsell " + upsellId + " is being accepted: "
                    + "its charge is at the gateway. Try again in a moment.");
            }
            String reference = cards.holdSaved(accountId, order.customerId(), order.cardId())
                .orElseThrow(() -> new TillException(ErrorCode.INVALID_STATE, "Card " + order.cardId() + ", which "
                    + "paid order " + order.id() + ", was removed: its upsells charge the order's card, so nothing "
                    + "was charged and upsell " + upsellId + " is still open. Buy it as a new order with another "
                    + "card, or decline it."));
            movements.reaching(key);
            // Should this request be cut off between the gateway and its booking, and never retried.
            jobs.schedule(accountId, BillingJobs.Kind.UPSELL_SETTLEMENT, key, now.plus(SETTLE_AFTER));
            return new Claim(reference, asked.get().amount(), now);
        });
    }

}
