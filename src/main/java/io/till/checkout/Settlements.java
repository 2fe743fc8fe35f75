package io.till.checkout;

import io.till.billing.Order;
import io.till.billing.OrderChargeAsks;
import io.till.billing.Orders;
import io.till.billing.Payment;
import io.till.billing.PaymentPlans;
import io.till.billing.Payments;
import io.till.billing.Subscriptions;
import io.till.catalog.ProductOption;
import io.till.catalog.Products;
import io.till.catalog.PromoCode;
import io.till.catalog.PromoCodes;
import io.till.customer.Cards;
import io.till.customer.Customer;
import io.till.customer.Customers;
import io.till.event.EventType;
import io.till.event.Events;
import io.till.idempotency.RequestEffects;
import io.till.payment.Gateways;
import io.till.payment.PaymentGateway;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How a purchase ends: step 3 records the gateway's answer (the order paid and what it started, or the order failed);
 * and an order a purchase left pending, cut off after step 1 or 2, is settled from the gateway's word, by the billing
 * clock or by the same request coming back with its Idempotency-Key.
 */
@Component
class Settlements {

    private final Checkouts checkouts;
    private final Products products;
    private final PromoCodes promoCodes;
    private final Customers customers;
    private final Cards cards;
    private final Gateways gateways;
    private final Orders orders;
    private final OrderChargeAsks asks;
    private final Payments payments;
    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final Events events;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final Upsells upsells;
    private final RequestEffects movements;

    Settlements(Checkouts checkouts, Products products, PromoCodes promoCodes, Customers customers, Cards cards,
        Gateways gateways, Orders orders, OrderChargeAsks asks, Payments payments, Subscriptions subscriptions,
        PaymentPlans paymentPlans,
        Events events, TransactionTemplate transaction, Clock clock, Upsells upsells, RequestEffects movements) {
        this.checkouts = checkouts;
        this.products = products;
        this.promoCodes = promoCodes;
        this.customers = customers;
        this.cards = cards;
        this.gateways = gateways;
        this.orders = orders;
        this.asks = asks;
        this.payments = payments;
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
        this.events = events;
        this.transaction = transaction;
        this.clock = clock;
        this.upsells = upsells;
        this.movements = movements;
    }

    /**
     * Settles an order a purchase left pending: the gateway says whether the charge under the order's key was made.
     * None at all means it never reached the gateway: the order failed. Silence is not taken at its word while a
     * request may still be on its way: the order stays pending until its last ask is {@link Purchases#SETTLEMENT_DELAY}
     * old (far longer than a request takes to reach the gateway), and while a gateway that may not yet find a charge
     * just made (Stripe's search) may still miss it. A request that asks after the settlement looked keeps the order
     * pending; one that comes after it was failed asks nothing ({@code Orders.asking}).
     *
     * @return when to ask again, if the order was left pending so
     */
    Optional<Instant> settle(String accountId, String orderId) {
        Order order = orders.get(accountId, orderId);
        if (order.status() != Order.Status.PENDING) {
            return Optional.empty();
        }
        // Read before the gateway is: a request that asks after this may be there by the time it answers.
        OrderChargeAsks.Asks asked = asks.of(accountId, orderId);
        Cart cart = cartOf(accountId, order);
        PaymentGateway gateway = gateways.forAccount(accountId);
        String chargeKey = "order:" + orderId;
        Optional<PaymentGateway.ChargeResult> charge = order.total() == 0
            ? Optional.empty()
            : gateway.findCharge(accountId, chargeKey);
        Instant now = Timestamps.now(clock);
        if (order.total() > 0 && charge.isEmpty()) {
            Instant trusted = silenceTrusted(order, asked, gateway.findChargeLag(accountId));
            if (trusted.isAfter(now)) {
                return Optional.of(trusted);
            }
            boolean failed = Boolean.TRUE.equals(transaction.execute(status -> {
                if (!asks.failUnasked(accountId, orderId, asked)) {
                    return false;
                }
                if (cart.promo() != null) {
                    promoCodes.release(accountId, cart.promo());
                }
                return true;
            }));
            // Asked again since the look: settled once that ask is as old.
            return failed ? Optional.empty() : Optional.of(now.plus(Purchases.SETTLEMENT_DELAY));
        }
        if (charge.orElse(null) instanceof PaymentGateway.ChargeResult.Declined declined) {
            transaction.executeWithoutResult(status -> recordDeclined(accountId, cart, order, gateway, chargeKey,
                declined));
        } else {
            transaction.executeWithoutResult(status -> recordPaid(accountId, cart, order, gateway, chargeKey,
                charge));
        }
        return Optional.empty();
    }

    /**
     * Fails a pending order whose charge was asked for once, by a request that never reached the gateway: none of it
     * can have been charged. Its promo code's use is given back. Nothing is done if it was asked for again since.
     */
    void failNeverCharged(String accountId, Cart cart, String orderId) {
        transaction.executeWithoutResult(status -> {
            if (asks.failUnasked(accountId, orderId, new OrderChargeAsks.Asks(1, null, true))
                && cart.promo() != null) {
                promoCodes.release(accountId, cart.promo());
            }
        });
    }

    /**
     * From when the gateway's finding no charge of the order means that none was made: once its search finds a charge
     * made when the order was last asked for (or written, if it never was), and once a request that asked then has
     * long reached the gateway if it ever will (at once, when that request failed without an answer).
     */
    private static Instant silenceTrusted(Order order, OrderChargeAsks.Asks asks, Duration findChargeLag) {
        if (asks.last() == null) {
            return order.createdAt().plus(findChargeLag);
        }
        if (asks.ended()) {
            // Its request failed without an answer: none is on its way, only the search may lag.
            return asks.last().plus(findChargeLag);
        }
        return asks.last().plus(findChargeLag.compareTo(Purchases.SETTLEMENT_DELAY) > 0
            ? findChargeLag
            : Purchases.SETTLEMENT_DELAY);
    }

    /**
     * The order an earlier attempt of this request (same Idempotency-Key) left behind, settled from the gateway's word:
     * paid, or declined (thrown as the first attempt answered). Empty when there is none, or when its charge never
     * reached the gateway (the order failed, nothing was charged): then the purchase runs anew. Refused (409, to be
     * sent again) while the gateway may not yet find a charge that was made. {@code cardField} is the request's field
     * that named the card, for a decline's answer.
     */
    Optional<Order> resumed(String accountId, String cardField) {
        Optional<String> chargeKey = movements.reachedBefore().filter(key -> key.startsWith("order:"));
        if (chargeKey.isEmpty()) {
            return Optional.empty();
        }
        String orderId = chargeKey.get().substring("order:".length());
        settle(accountId, orderId);
        Order order = orders.get(accountId, orderId);
        if (order.status().tookMoney()) {
            return Optional.of(order);
        }
        if (order.status() == Order.Status.PENDING) {
            // Its charge may have been made and not be found yet: running the purchase anew could charge twice.
            throw new TillException(ErrorCode.CHARGE_IN_PROGRESS, "The payment of order #" + order.number() + " ("
                + orderId + ") is still being confirmed with the card network; nothing more was charged. Send this "
                + "request again in a minute with the same Idempotency-Key to get its outcome.");
        }
        Optional<Payment> declined = payments.findByKey(accountId, chargeKey.get());
        if (declined.isPresent()) {
            throw notPaid(order, declined.get(), cardField);
        }
        return Optional.empty();
    }

    /**
     * The answer to a purchase whose card was declined: its failed order and payment, and {@code field}, the request's
     * field that named the card.
     */
    static OrderNotPaidException notPaid(Order order, Payment payment, String field) {
        return new OrderNotPaidException(order.id(), order.number(), payment.id(), field, payment.failureCode(), payment
            .failureMessage());
    }

    /** The cart of an order, read back from what the order recorded. */
    private Cart cartOf(String accountId, Order order) {
        Checkout checkout = order.checkoutId() == null ? null : checkouts.get(accountId, order.checkoutId());
        var optionItem = order.items().stream().filter(item -> item.kind().equals("option")).findFirst()
            .orElseThrow();
        ProductOption option = products.option(accountId, optionItem.optionId()).orElseThrow();
        var addons = order.items().stream()
            .filter(item -> item.kind().equals("addon"))
            // Read as the order bought it: the seller may have repriced or retired the offer since.
            .map(item -> checkouts.addonEver(accountId, checkout.id(), item.addonId())
                .map(a -> new Checkout.Addon(a.id(), a.name(), item.amount(), a.currency()))
                .orElseThrow())
            .toList();
        PromoCode promo = order.promoCodeId() == null
            ? null
            : promoCodes.find(accountId, order.promoCodeId()).orElseThrow();
        // Whether it started with the trial is what the order charged for the option: nothing, for a trial.
        return new Cart(checkout, products.get(accountId, option.productId()), option, addons, promo,
            customers.find(accountId, order.customerId()), order.cardId(), order.billingAddress(),
            option.startsWithTrial() && optionItem.amount() == 0);
    }

    /**
     * Step 3 of a declined purchase (inside the caller's transaction): the order failed, the promo is free again, and
     * a card the purchase saved leaves the customer's wallet, whether the purchase heard the decline or the clock
     * settles it after a crash: kept, it would be their default, shown as the card on file and charged later. It stays
     * on record for the failed payment, and the same card tried again is saved anew.
     */
    Payment recordDeclined(String accountId, Cart cart, Order pending, PaymentGateway gateway, String chargeKey,
        PaymentGateway.ChargeResult.Declined declined) {
        // The promo code, then the customer, then the order, as a purchase takes them (its use given back below), and
        // as recordPaid and a card's removal take the customer: the card the purchase saved leaves the wallet below,
        // under the customer's lock.
        if (cart.promo() != null) {
            promoCodes.hold(accountId, cart.promo());
        }
        cards.holdDefault(accountId, pending.customerId());
        Order.Status was = orders.settle(accountId, pending.id(), Order.Status.FAILED);
        if (was != Order.Status.PENDING) {
            // Failed already: by the clock or a retry from the gateway's word (the decline recorded then), or, before
            // the decline was made, for want of any charge (the promo code's use given back then).
            Optional<Payment> recorded = payments.findByKey(accountId, chargeKey);
            if (recorded.isPresent()) {
                return recorded.get();
            }
        } else if (cart.promo() != null) {
            promoCodes.release(accountId, cart.promo());
        }
        Order order = orders.get(accountId, pending.id());
        Payment payment = payments.record(accountId, order.customerId(), order.cardId(),
            new Payments.PaidFor(order.id(), null, null), order.total(), order.currency(), gateway.name(), chargeKey,
            declined);
        events.record(accountId, EventType.PAYMENT_FAILED, order.customerId(), Map.of("payment", payment, "order",
            order, "customer", customers.get(accountId, order.customerId())));
        if (order.cardId() != null && orders.savedCard(accountId, order.id())) {
            cards.detachIfSaved(accountId, order.customerId(), order.cardId());
        }
        return payment;
    }

    /**
     * Step 3 of a paid purchase (inside the caller's transaction): the order, its payment, what it started, and every
     * event of the purchase in the order automations expect. An order failed meanwhile for want of a charge at the
     * gateway (its request stalled on the way past its settlement) is paid after all, with all of that: the buyer paid
     * for this order, and Till's "failed" was only read from the gateway's silence. Should a same-key retry have bought
     * anew meanwhile, the seller sees two paid orders of one purchase and refunds one, as any double purchase.
     */
    Order recordPaid(String accountId, Cart cart, Order pending, PaymentGateway gateway, String chargeKey,
        Optional<PaymentGateway.ChargeResult> charge) {
        Instant now = Timestamps.now(clock);
        ProductOption option = cart.option();
        boolean starts = option.kind() == ProductOption.Kind.SUBSCRIPTION
            || option.kind() == ProductOption.Kind.PAYMENT_PLAN;
        // The customer is locked from here: their paid orders are counted one after the other (the order's place among
        // them, which "a new buyer" reads), and no change of their cards is half done. The card may have been removed,
        // or the default changed, while it was charged: the charge is this order's all the same, but what the order
        // starts is paid with the card a change after it would have left it on: the order's recurring card, moved with
        // the customer's subscriptions while the order was pending.
        if (cart.promo() != null && orders.get(accountId, pending.id()).status() == Order.Status.FAILED) {
            // Its use is counted again below: the code before the customer, as a purchase takes them. (Only then: a
            // paid purchase holding a popular code to the end would queue every other purchase with it.)
            promoCodes.hold(accountId, cart.promo());
        }
        cards.holdDefault(accountId, pending.customerId());
        String payingCard = starts
            ? cards.payingFor(accountId, pending.customerId(), orders.recurringCard(accountId, pending.id()))
            : null;
        Order.Status was = orders.settle(accountId, pending.id(), Order.Status.PAID);
        if (was.tookMoney()) {
            // Recorded meanwhile from the gateway's word, by the clock or a retry.
            return orders.get(accountId, pending.id());
        }
        if (was == Order.Status.FAILED && cart.promo() != null) {
            promoCodes.redeemAgain(accountId, cart.promo());
        }
        Payment payment = charge.map(result -> payments.record(accountId, pending.customerId(), pending.cardId(),
            new Payments.PaidFor(pending.id(), null, null), pending.total(), pending.currency(), gateway.name(),
            chargeKey, result)).orElse(null);
        var subscription = option.kind() == ProductOption.Kind.SUBSCRIPTION
            ? subscriptions.start(accountId, pending.customerId(), pending.id(), cart.product(), option, payingCard,
                cart.trial(),
                now)
            : null;
        var plan = option.kind() == ProductOption.Kind.PAYMENT_PLAN
            ? paymentPlans.start(accountId, pending.customerId(), pending.id(), cart.product(), option, payingCard,
                now)
            : null;
        // The payment is the first of what it starts only when it paid for it: a free trial's order charges only the
        // offer bumps bought with it, which are not the subscription's (its page would list them as its payments).
        if (payment != null && (subscription != null || plan != null) && !cart.trial()) {
            payment = payments.attachTo(accountId, payment.id(), subscription == null ? null : subscription.id(),
                plan == null ? null : plan.id());
        }
        if (payingCard != null) {
            cards.adoptAtPurchase(accountId, pending.customerId(), payingCard);
        }
        Order order = orders.get(accountId, pending.id());
        Customer customer = customers.get(accountId, order.customerId());
        String customerId = customer.id();
        var purchase = new LinkedHashMap<String, Object>();
        boolean atCheckout = cart.checkout() != null;
        if (atCheckout) {
            purchase.put("checkout", cart.checkout());
        }
        purchase.put("order", order);
        purchase.put("customer", customer);
        if (atCheckout) {
            var bought = with(purchase, "product", cart.product(), "option", option);
            if (payment != null) {
                // What it was paid with, read fresh by automations: "unless the purchase was refunded since".
                bought.put("payment", payment);
            }
            events.record(accountId, EventType.CHECKOUT_PURCHASED, customerId, bought);
            for (var addon : cart.addons()) {
                events.record(accountId, EventType.ADDON_PURCHASED, customerId, with(purchase, "addon", addon));
            }
            events.record(accountId, EventType.OPTION_SELECTED, customerId, with(purchase, "option", option,
                "product", cart.product()));
        }
        if (cart.promo() != null) {
            events.record(accountId, EventType.PROMO_CODE_APPLIED, customerId, with(purchase, "promo_code",
                promoCodes.findByCode(accountId, cart.promo().code()).orElseThrow()));
        }
        events.record(accountId, EventType.PRODUCT_PURCHASED, customerId, Map.of("product", cart.product(), "option",
            option, "order", order, "customer", customer));
        events.record(accountId, EventType.ORDER_CREATED, customerId, Map.of("order", order, "customer", customer));
        if (payment != null) {
            events.record(accountId, EventType.PAYMENT_SUCCEEDED, customerId, Map.of("payment", payment, "order",
                order, "customer", customer));
        }
        if (plan != null && payment != null) {
            events.record(accountId, EventType.PAYMENT_PLAN_PAYMENT_SUCCEEDED, customerId, Map.of("payment_plan", plan,
                "payment", payment, "customer", customer));
        }
        if (subscription != null) {
            events.record(accountId, EventType.SUBSCRIPTION_STARTED, customerId, Map.of("subscription", subscription,
                "customer", customer));
        }
        if (atCheckout) {
            upsells.offerOrComplete(accountId, order, cart.checkout(), now);
        }
        return order;
    }

    private static Map<String, Object> with(Map<String, Object> base, Object... more) {
        var data = new LinkedHashMap<>(base);
        for (int i = 0; i < more.length; i += 2) {
            data.put((String) more[i], more[i + 1]);
        }
        return data;
    }
}
