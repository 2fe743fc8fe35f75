package io.till.checkout;

import io.till.billing.BillingJobs;
import io.till.billing.Order;
import io.till.billing.Orders;
import io.till.billing.Payment;
import io.till.billing.PaymentPlans;
import io.till.billing.Payments;
import io.till.billing.Subscriptions;
import io.till.catalog.Product;
import io.till.catalog.ProductOption;
import io.till.catalog.Products;
import io.till.checkout.UpsellOffers.Offer;
import io.till.customer.Cards;
import io.till.customer.Customer;
import io.till.customer.Customers;
import io.till.event.EventType;
import io.till.event.Events;
import io.till.payment.PaymentGateway;
import io.till.shared.ErrorCode;
import io.till.shared.Ids;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * What an upsell's answer writes, inside the caller's transaction: an accepted upsell booked on its order with what it
 * starts, its payment and its events; a declined charge; and the end of the checkout flow once every offer is answered.
 * {@link Upsells} decides when (the accept's charge, its settlement after a crash, a decline, the grace period's end).
 */
@Component
class UpsellBookings {

    private final Orders orders;
    private final Payments payments;
    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final Customers customers;
    private final Cards cards;
    private final Events events;
    private final Clock clock;
    private final UpsellOffers offers;
    private final Products products;
    private final BillingJobs jobs;

    UpsellBookings(Orders orders, Payments payments, Subscriptions subscriptions, PaymentPlans paymentPlans,
        Customers customers, Cards cards, Events events, Clock clock, UpsellOffers offers, Products products,
        BillingJobs jobs) {
        this.jobs = jobs;
        this.orders = orders;
        this.payments = payments;
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
        this.customers = customers;
        this.cards = cards;
        this.events = events;
        this.clock = clock;
        this.offers = offers;
        this.products = products;
    }

    /**
     * Books an accepted upsell on its order (inside the caller's transaction): the item, what it starts, the payment
     * {@code charged} under {@code key} (null when nothing was due), the events. Once only: an offer accepted already
     * is left as it is.
     */
    Order book(String accountId, Order order, Checkout checkout, Checkout.Upsell upsell,
        ProductOption option, Product product, long amount, String gatewayName, String key,
        PaymentGateway.ChargeResult charged) {
        String orderId = order.id();
        String upsellId = upsell.id();
        Offer locked = offers.lock(accountId, orderId, upsellId).offer();
        if (locked == Offer.ACCEPTED) {
            return orders.get(accountId, orderId);
        }
        // A charge made while the flow completed is booked all the same: the buyer accepted while the offer
        // stood, and money taken is never left off the order. So is one whose hold ran out (a node crashed at the
        // gateway) before a decline came: the retry of that accept books what the gateway took.
        if (locked != Offer.OFFERED && charged == null) {
            locked.requireOpen();
        }
        if (charged == null && option.startsWithTrial() && product.oneTrialPerCustomer()) {
            requireTrialStillTheirs(accountId, order.customerId(), product, option);
        } else if (charged == null) {
            // Nothing taken: a buyer erased since the order is given nothing more (a trial upsell, which charges
            // nothing, would start a subscription for them and dun them when it ends). Money taken is booked above.
            customers.lockForPurchase(accountId, order.customerId());
        }
        Instant now = Timestamps.now(clock);
        boolean starts = option.kind() == ProductOption.Kind.SUBSCRIPTION
            || option.kind() == ProductOption.Kind.PAYMENT_PLAN;
        // The card may have been removed while it was charged: the charge is booked all the same, but what the
        // upsell starts is paid with the default from now on, as whatever else the removed card paid.
        String payingCard = starts ? cards.payingFor(accountId, order.customerId(), order.cardId()) : null;
        // Named as a purchase of it at a checkout is ("Coaching — Single call"): what was bought, on the order, the
        // receipt and its email, not the offer's headline ("Add a coaching call"), which stays the upsell's.
        orders.addUpsell(accountId, orderId, option.currency(), new Order.Item(Ids.newId("item"), "upsell",
            product.id(), option.id(), null, upsellId, product.name() + " — " + option.name(), amount));
        var subscription = option.kind() == ProductOption.Kind.SUBSCRIPTION
            ? subscriptions.start(accountId, order.customerId(), orderId, product, option, payingCard,
                option.startsWithTrial() && amount == 0, now)
            : null;
        var plan = option.kind() == ProductOption.Kind.PAYMENT_PLAN
            ? paymentPlans.start(accountId, order.customerId(), orderId, product, option, payingCard, now)
            : null;
        // Linked as a direct purchase links it: its refund is the subscription's or the plan's refund too.
        var paidFor = new Payments.PaidFor(orderId, subscription == null ? null : subscription.id(),
            plan == null ? null : plan.id());
        Payment payment = charged == null
            ? null
            : payments.record(accountId, order.customerId(), order.cardId(), paidFor, amount, option.currency(),
                gatewayName, key, charged);
        offers.answer(accountId, orderId, upsellId, Offer.ACCEPTED, payment == null ? null : payment.id(),
            now);
        Order updated = orders.get(accountId, orderId);
        Customer customer = customers.get(accountId, order.customerId());
        var data = new LinkedHashMap<String, Object>();
        data.put("checkout", checkout);
        data.put("upsell", upsell);
        data.put("order", updated);
        data.put("customer", customer);
        data.put("option", option);
        data.put("product", product);
        events.record(accountId, EventType.CHECKOUT_UPSELL_PURCHASED, customer.id(), data);
        events.record(accountId, EventType.UPSELL_PURCHASED, customer.id(), data);
        // A product bought as an upsell is bought all the same: automations on its purchase must hear of it.
        events.record(accountId, EventType.PRODUCT_PURCHASED, customer.id(), Map.of("product", product, "option",
            option, "order", updated, "customer", customer));
        if (payment != null) {
            events.record(accountId, EventType.PAYMENT_SUCCEEDED, customer.id(), Map.of("payment", payment,
                "order", updated, "customer", customer));
        }
        if (plan != null && payment != null) {
            events.record(accountId, EventType.PAYMENT_PLAN_PAYMENT_SUCCEEDED, customer.id(), Map.of(
                "payment_plan", plan, "payment", payment, "customer", customer));
        }
        if (subscription != null) {
            events.record(accountId, EventType.SUBSCRIPTION_STARTED, customer.id(), Map.of("subscription",
                subscription, "customer", customer));
        }
        completeIfAnswered(accountId, updated, checkout);
        return orders.get(accountId, orderId);
    }

    /**
     * The free trial an accept was to start without charging, decided again under the customer's lock, as a purchase
     * decides it: another accept or purchase of theirs may have taken the product's one trial per customer since it
     * was first decided. Nothing was charged, and the offer stays open, at the full price from now on.
     */
    private void requireTrialStillTheirs(String accountId, String customerId, Product product, ProductOption option) {
        customers.lockForPurchase(accountId, customerId);
        if (!products.startsWithTrial(accountId, product, option, customerId)
            || orders.trialUnderWay(accountId, customerId, product.id())) {
            throw new TillException(ErrorCode.INVALID_STATE, product.name() + " gives one free trial per customer, "
                + "and another purchase of this customer has just taken it. Nothing was charged; accept the offer "
                + "again to buy it at the full price.");
        }
    }

    /** Books a declined charge of an accept (inside the caller's transaction) and lets the offer go. */
    void bookDeclined(String accountId, Order order, String upsellId, ProductOption option, long amount,
        String gatewayName, String key, PaymentGateway.ChargeResult.Declined declined) {
        offers.release(accountId, order.id(), upsellId, key);
        if (payments.findByKey(accountId, key).isEmpty()) {
            Payment payment = payments.record(accountId, order.customerId(), order.cardId(),
                new Payments.PaidFor(order.id(), null, null), amount, option.currency(), gatewayName, key, declined);
            events.record(accountId, EventType.PAYMENT_FAILED, order.customerId(), Map.of("payment", payment,
                "order", order, "customer", customers.get(accountId, order.customerId())));
        }
    }

    /**
     * Raises checkout.flow_completed once for the order, and expires the offers it leaves unanswered (inside the
     * caller's transaction). An offer whose accept's charge is at the gateway now is left to its booking, which
     * completes the flow; should the charge be declined, or its answer never come, the grace timer comes again when
     * its hold ends and expires it then.
     */
    void complete(String accountId, Order order, Checkout checkout) {
        // The offers before the order, the order an accept's booking and a decline take them in: the grace timer
        // taking the order first deadlocked with an accept booked at that moment.
        offers.expireUnanswered(accountId, order.id());
        if (offers.unanswered(accountId, order.id()) > 0) {
            offers.chargingUntil(accountId, order.id()).ifPresent(until -> jobs.schedule(accountId,
                BillingJobs.Kind.CHECKOUT_FLOW_GRACE, order.id(), until));
            return;
        }
        if (orders.completeFlow(accountId, order.id())) {
            var data = new LinkedHashMap<String, Object>();
            data.put("checkout", checkout);
            data.put("order", orders.get(accountId, order.id()));
            data.put("customer", customers.get(accountId, order.customerId()));
            events.record(accountId, EventType.CHECKOUT_FLOW_COMPLETED, order.customerId(), data);
        }
    }

    void completeIfAnswered(String accountId, Order order, Checkout checkout) {
        // After the offer's lock, as an accept takes them; the count below then sees any answer committed meanwhile.
        orders.lockForAnswers(accountId, order.id());
        if (offers.unanswered(accountId, order.id()) == 0) {
            complete(accountId, order, checkout);
        }
    }
}
