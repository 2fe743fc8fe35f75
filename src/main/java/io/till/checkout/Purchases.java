package io.till.checkout;

import io.till.billing.BillingAddress;
import io.till.billing.BillingJobs;
import io.till.billing.Order;
import io.till.billing.OrderChargeAsks;
import io.till.billing.Orders;
import io.till.billing.Payment;
import io.till.catalog.Product;
import io.till.catalog.ProductOption;
import io.till.catalog.Products;
import io.till.catalog.PromoCode;
import io.till.catalog.PromoCodes;
import io.till.customer.Cards;
import io.till.customer.Customer;
import io.till.customer.Customers;
import io.till.idempotency.RequestEffects;
import io.till.payment.Gateways;
import io.till.payment.PaymentGateway;
import io.till.shared.Amounts;
import io.till.shared.EmailAddresses;
import io.till.shared.ErrorCode;
import io.till.shared.FieldErrors;
import io.till.shared.Ids;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A purchase at a checkout, in three steps so that no transaction waits on the card network: (1) check everything and
 * write the customer, card and a pending order; (2) charge the card with a key derived from the order; (3) settle the
 * order and write what it started ({@link Settlements}). The same request coming back with its Idempotency-Key after
 * step 1 resumes that order instead of starting another.
 */
@Component
class Purchases {

    private final Checkouts checkouts;
    private final Products products;
    private final PromoCodes promoCodes;
    private final Customers customers;
    private final Cards cards;
    private final Gateways gateways;
    private final Orders orders;
    private final OrderChargeAsks asks;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final BillingJobs jobs;
    private final RequestEffects movements;
    private final Settlements settlements;

    /** How long a purchase may take before the billing clock settles it from the gateway's word. */
    static final java.time.Duration SETTLEMENT_DELAY = java.time.Duration.ofMinutes(10);

    Purchases(Checkouts checkouts, Products products, PromoCodes promoCodes, Customers customers, Cards cards,
        Gateways gateways, Orders orders, OrderChargeAsks asks, TransactionTemplate transaction, Clock clock,
        BillingJobs jobs,
        RequestEffects movements, Settlements settlements) {
        this.checkouts = checkouts;
        this.products = products;
        this.promoCodes = promoCodes;
        this.customers = customers;
        this.cards = cards;
        this.gateways = gateways;
        this.orders = orders;
        this.asks = asks;
        this.transaction = transaction;
        this.clock = clock;
        this.jobs = jobs;
        this.movements = movements;
        this.settlements = settlements;
    }

    Order purchase(String accountId, String checkoutId, PurchaseRequest request) {
        return settlements.resumed(accountId, cardField(request))
            .orElseGet(() -> complete(accountId, check(accountId, selling(accountId, checkoutId), request),
                request));
    }

    /** The checkout, refused when archived: nothing is charged at a checkout that no longer sells. */
    private Checkout selling(String accountId, String checkoutId) {
        Checkout checkout = checkouts.get(accountId, checkoutId);
        if (!checkout.active()) {
            throw new TillException(ErrorCode.INVALID_STATE, "Checkout " + checkoutId + " (\u201c" + checkout.name()
                + "\u201d) no longer sells: it was archived. Nothing was charged. Reactivate it (PATCH "
                + "/api/v1/checkouts/" + checkoutId + " with \"active\": true), or send the purchase to a checkout "
                + "that sells.");
        }
        return checkout;
    }

    /**
     * An order staff place for an existing customer, charging a card on file (the customer's default unless
     * {@code payment_method_id} names another): no checkout, so no checkout, addon or option events.
     */
    Order internalOrder(String accountId, PurchaseRequest request) {
        return internalOrder(accountId, request, false);
    }

    /**
     * {@link #internalOrder}, refused while an order of the customer's is in doubt ({@code waitForDoubt}): its charge
     * went to the gateway and no answer came, so the card may have been charged for it. Staff who saw no answer would
     * otherwise place the order again, anew, and charge the card twice; the order placed again under its own form's key
     * resumes it instead, as an API client's retry under its Idempotency-Key does.
     */
    Order internalOrder(String accountId, PurchaseRequest request, boolean waitForDoubt) {
        Optional<Order> resumed = settlements.resumed(accountId, cardField(request));
        if (resumed.isPresent()) {
            return resumed.get();
        }
        checkInternal(request);
        if (waitForDoubt) {
            asks.inDoubt(accountId, request.customerId()).ifPresent(number -> {
                throw new TillException(ErrorCode.INVALID_STATE, "Order #" + number + " for this customer is "
                    + "waiting for the payment processor's answer about its charge, which may have gone through: "
                    + "Till records the outcome within minutes. Nothing was charged for this order; place it once "
                    + "order #" + number + " is paid or failed.");
            });
        }
        return complete(accountId, check(accountId, null, request), request);
    }

    /** The request's field that named the card a decline is about: a token sent, or the saved card (named or not). */
    private static String cardField(PurchaseRequest request) {
        return request.token() != null ? "token" : "payment_method_id";
    }

    /** What an internal order would charge, checked as placing it checks it, without placing it. */
    record Quote(String productName, String optionName, String currency, long subtotal, long discount, long total,
        String cardId, BillingAddress billingAddress) {}

    /** The dashboard's review step before an internal order: the same checks and the same sums as placing it. */
    Quote quoteInternalOrder(String accountId, PurchaseRequest request) {
        checkInternal(request);
        Cart cart = check(accountId, null, request);
        var items = items(cart);
        long subtotal = items.stream().mapToLong(Order.Item::amount).sum();
        long discount = cart.promo() == null ? 0 : cart.promo().discountOn(subtotal, cart.option().currency());
        requireChargeable(gateways.forAccount(accountId), subtotal - discount, cart.option().currency());
        return new Quote(cart.product().name(), cart.option().name(), cart.option().currency(), subtotal, discount,
            subtotal - discount, cart.cardId(), cart.billingAddress());
    }

    /**
     * Refuses, before anything is written, an order whose total the gateway cannot charge exactly (Stripe takes a few
     * currencies only in tens of their minor unit): a price, an addon or a promo code's discount makes it so, and the
     * seller's catalog is what must change.
     */
    private static void requireChargeable(PaymentGateway gateway, long total, String currency) {
        if (total > 0) {
            gateway.chargeRefusal(total, currency).ifPresent(reason -> {
                throw new TillException(ErrorCode.AMOUNT_NOT_SUPPORTED, "This order's total cannot be charged: "
                    + reason + " Nothing was charged.");
            });
        }
    }

    private static void checkInternal(PurchaseRequest request) {
        var errors = new FieldErrors();
        if (request.customerId() == null) {
            errors.add("customer_id", "required", "is required: the existing customer to charge");
        }
        if (request.optionId() == null) {
            // Listed with the rest: every bad field at once, not the option after the customer is fixed.
            errors.add("option_id", "required", "is required: the product option to sell");
        }
        if (request.customer() != null) {
            errors.add("customer", "not_allowed", "an internal order is for an existing customer: give customer_id");
        }
        if (request.token() != null) {
            errors.add("token", "not_allowed", "an internal order charges a card on file: give payment_method_id");
        }
        if (request.addonIds() != null && !request.addonIds().isEmpty()) {
            errors.add("addon_ids", "not_allowed", "addons belong to checkouts");
        }
        errors.throwIfAny();
    }

    private Order complete(String accountId, Cart cart, PurchaseRequest request) {
        PaymentGateway gateway = gateways.forAccount(accountId);
        long subtotal = items(cart).stream().mapToLong(Order.Item::amount).sum();
        requireChargeable(gateway, subtotal - (cart.promo() == null
            ? 0
            : cart.promo().discountOn(subtotal, cart.option().currency())), cart.option().currency());
        return charge(accountId, cart, request, gateway, begin(accountId, cart, request, gateway));
    }

    /** Steps 2 and 3: the charge of a pending order, and its outcome recorded. */
    private Order charge(String accountId, Cart cart, PurchaseRequest request, PaymentGateway gateway, Begun begun) {
        Order pending = begun.order();
        String chargeKey = "order:" + pending.id();
        Optional<PaymentGateway.ChargeResult> charge = Optional.empty();
        if (pending.total() > 0) {
            Instant askedAt = Timestamps.now(clock);
            int ask = asks.asking(accountId, pending.id()).orElse(0);
            if (ask == 0) {
                return givenUp(accountId, pending);
            }
            try {
                charge = Optional.of(gateway.charge(new PaymentGateway.ChargeRequest(accountId, chargeKey,
                    begun.cardReference(), pending.total(), pending.currency(),
                    cart.product().name() + " (order #" + pending.number() + ", " + pending.id() + ")",
                    PaymentGateway.sendBy(askedAt))));
            } catch (PaymentGateway.NotSent e) {
                // It never reached the gateway: nothing of this request is on its way, and a retry need not wait for
                // one before the gateway's silence is trusted. Any other failure without an answer (a timeout while
                // the answer was awaited) may have charged: its order is settled as late as one still on its way,
                // since the gateway's search lags most when its answers do: trusted two minutes on, a search behind a
                // charge that timed out would fail its order, and a retry would charge again.
                asks.askEnded(accountId, pending.id(), ask);
                if (ask == 1) {
                    // The order's only ask, and it never left: nothing of it can be charged. Failed now, it gives its
                    // promo code's use and its trial back at once (a later ask, by a retry with the same key, would
                    // have kept it pending: failing it is conditional on no other ask).
                    settlements.failNeverCharged(accountId, cart, pending.id());
                }
                throw e;
            }
        }
        Optional<PaymentGateway.ChargeResult> answered = charge;

        if (answered.orElse(null) instanceof PaymentGateway.ChargeResult.Declined declined) {
            Payment failed = transaction.execute(status -> settlements.recordDeclined(accountId, cart, pending,
                gateway, chargeKey, declined));
            throw Settlements.notPaid(pending, failed, cardField(request));
        }
        return transaction.execute(status -> settlements.recordPaid(accountId, cart, pending, gateway, chargeKey,
            answered));
    }

    /**
     * The answer to a request that reached its charge only after its order was settled without it: it stalled on the
     * way (a long pause, a stopped process) past the order's settlement, which found no charge at the gateway and failed
     * the order, and perhaps past its Idempotency-Key's lease, so that a retry bought anew. It charges nothing.
     */
    private Order givenUp(String accountId, Order pending) {
        Order settled = orders.get(accountId, pending.id());
        if (settled.status().tookMoney()) {
            return settled;
        }
        throw new TillException(ErrorCode.INVALID_STATE, "Order #" + pending.number() + " (" + pending.id() + ") was "
            + "given up before its card was charged: this request took too long to reach the card network, and "
            + "nothing was charged. Send the purchase again to place it anew.");
    }

    /** A pending order, and how the gateway finds the card it is charged to (read as the order was written). */
    record Begun(Order order, String cardReference) {}

    /** Step 1: the customer, the card and the pending order, with the timer that settles it if step 3 never comes. */
    Begun begin(String accountId, Cart cart, PurchaseRequest request, PaymentGateway gateway) {
        var newCard = Optional.ofNullable(request.token())
            .map(token -> gateway.attach(new PaymentGateway.CardToken(token, null, null)));
        return transaction.execute(status -> recordPending(accountId, cart, request, gateway, newCard));
    }

    /** The pending order of a purchase at a checkout, as a purchase cut off after step 1 leaves it (for tests). */
    Order beginAtCheckout(String accountId, String checkoutId, PurchaseRequest request) {
        return cutAtCheckout(accountId, checkoutId, request).order();
    }

    /** A purchase at a checkout cut off after step 1, and what its request does when it goes on (for tests). */
    record Cut(Order order, Supplier<Order> goesOn) {}

    Cut cutAtCheckout(String accountId, String checkoutId, PurchaseRequest request) {
        Cart cart = check(accountId, checkouts.get(accountId, checkoutId), request);
        PaymentGateway gateway = gateways.forAccount(accountId);
        Begun begun = begin(accountId, cart, request, gateway);
        return new Cut(begun.order(), () -> charge(accountId, cart, request, gateway, begun));
    }

    private Cart check(String accountId, Checkout checkout, PurchaseRequest request) {
        var errors = new FieldErrors();
        Product product = checkout == null ? null : products.get(accountId, checkout.productId());
        ProductOption option = null;
        if (request.optionId() == null) {
            errors.add("option_id", "required", "is required: one of the product's options");
        } else if (checkout != null) {
            option = product.options().stream().filter(o -> o.id().equals(request.optionId())).findFirst().orElse(null);
            if (option == null && product.retiredOptions().stream().anyMatch(o -> o.id().equals(request
                .optionId()))) {
                errors.add("option_id", "retired", "is no longer sold: choose one of the product's other options");
            } else if (option == null) {
                errors.add("option_id", "not_found", "is not an option of this checkout's product");
            }
        } else {
            option = products.option(accountId, request.optionId()).orElse(null);
            if (option == null) {
                errors.add("option_id", "not_found", "is not an option of one of your products");
            } else if (option.retired()) {
                errors.add("option_id", "retired", "is no longer sold: choose one of the product's other options");
                option = null;
            } else {
                product = products.get(accountId, option.productId());
            }
        }
        var addons = new ArrayList<Checkout.Addon>();
        List<String> addonIds = request.addonIds() == null ? List.of() : request.addonIds();
        if (addonIds.size() > Checkouts.MAX_OFFERS) {
            errors.add("addon_ids", "too_many", "must hold at most " + Checkouts.MAX_OFFERS + " addons");
            addonIds = List.of();
        }
        for (int i = 0; i < addonIds.size(); i++) {
            String id = addonIds.get(i);
            var addon = checkout.addons().stream().filter(a -> a.id().equals(id)).findFirst();
            if (addon.isEmpty()) {
                errors.add("addon_ids[" + i + "]", "not_found", "is not an addon of this checkout");
            } else if (addons.contains(addon.get())) {
                errors.add("addon_ids[" + i + "]", "duplicate", "is listed twice");
            } else {
                Optional<String> mismatch = option == null
                    ? Optional.empty()
                    : OneCurrency.refusal(addon.get().currency(), "option", List.of(option.currency()));
                if (mismatch.isPresent()) {
                    errors.add("addon_ids[" + i + "]", "currency_mismatch", mismatch.get());
                } else {
                    addons.add(addon.get());
                }
            }
        }
        if (option != null) {
            // Each price is at most Amounts.MAX, but twenty addons on top are not: one order charges no more than it.
            long total = option.amount() + addons.stream().mapToLong(Checkout.Addon::amount).sum();
            if (total > Amounts.MAX) {
                errors.add(addons.isEmpty() ? "option_id" : "addon_ids", "amount_too_large", "would make the order "
                    + "total " + Amounts.format(total, option.currency()) + ", more than one order may charge ("
                    + Amounts.format(Amounts.MAX, option.currency()) + ")");
            }
        }
        PromoCode promo = null;
        if (request.promoCode() != null && !request.promoCode().isBlank()) {
            promo = promoCodes.findByCode(accountId, request.promoCode().strip()).orElse(null);
            if (promo == null) {
                errors.add("promo_code", "not_found", "is not a promo code of this store");
            } else if (option != null) {
                promoCodes.refusal(promo, option.currency())
                    .ifPresent(refusal -> errors.add("promo_code", refusal.code(), refusal.message()));
            }
        }
        Optional<Customer> customer = Optional.empty();
        if (request.customerId() == null && request.customer() == null) {
            errors.add("customer_id", "required", "give either customer_id or customer {name, email}");
        } else if (request.customerId() != null && request.customer() != null) {
            errors.add("customer_id", "not_allowed", "give either customer_id or customer {name, email}, not both");
        } else if (request.customerId() != null) {
            customer = customers.find(accountId, request.customerId());
            if (customer.isEmpty()) {
                errors.add("customer_id", "not_found", "no customer with this id");
            } else {
                // Before any card is attached for them at the gateway; checked again under the customer's lock.
                Customers.refuseIfRedacted(customer.get(), "charged again: add the buyer as a new customer");
            }
        } else {
            if (request.customer().name() == null || request.customer().name().isBlank()) {
                errors.add("customer.name", "required", "is required");
            }
            if (request.customer().email() == null || !EmailAddresses.isPlain(request.customer().email().strip())) {
                errors.add("customer.email", "invalid_email", "must be an email address");
            } else {
                customer = customers.findByEmail(accountId, request.customer().email().strip());
            }
            if (customer.isEmpty() && request.customer().name() != null && !request.customer().name().isBlank()) {
                // The name a new customer is made with (a returning buyer keeps theirs, and this one is not read).
                Customers.checkBuyerName(request.customer().name(), "customer.name", errors);
            }
        }
        String cardId = null;
        // A buyer named by name and email pays with a card of their own (token): an email proves nothing of who is
        // buying, so a saved card, the default included, is charged only for a purchase naming the customer by id.
        boolean byEmail = request.customerId() == null && request.customer() != null;
        if (request.paymentMethodId() != null && request.token() != null) {
            errors.add("payment_method_id", "conflict", "give payment_method_id or token, not both");
        } else if (byEmail && request.paymentMethodId() != null) {
            errors.add("payment_method_id", "not_allowed", "a saved card is charged only for a purchase naming the "
                + "customer by customer_id: a buyer named by email pays with a token");
        } else if (byEmail && request.token() == null) {
            errors.add("token", "required", "a buyer named by name and email pays with a card token; to charge a "
                + "customer's saved card, name them by customer_id");
        } else if (request.paymentMethodId() != null) {
            cardId = request.paymentMethodId();
            if (customer.isEmpty() || cards.gatewayReference(accountId, customer.get().id(), cardId).isEmpty()) {
                errors.add("payment_method_id", "not_found", "is not a saved card of this customer");
            }
        } else if (request.token() == null) {
            var defaultCard = customer.map(Customer::defaultCard);
            if (defaultCard.isEmpty()) {
                errors.add("payment_method_id", "required", checkout == null
                    ? "the customer has no card on file: save one for them first, then give its id"
                    : "give a token, or a saved card of the customer");
            } else {
                cardId = defaultCard.get().id();
            }
        }
        boolean trial = option != null && product != null && products.startsWithTrial(accountId, product, option,
            customer.map(Customer::id).orElse(null));
        if (promo != null && option != null && !errors.any()
            && chargedToday(trial ? 0 : option.amount(), addons) == 0) {
            // A code on a purchase of nothing today (a free trial alone) would be used up and discount nothing: the
            // first payment after the trial is billed at the full price.
            errors.add("promo_code", "nothing_to_discount", "would discount nothing: this purchase charges nothing "
                + "today, so the code would only be used up (after a free trial the first payment is at the full "
                + "price); leave the code out");
        }
        var billingAddress = BillingAddress.checked(request.billingAddress(), "billing_address", errors);
        errors.throwIfAny();
        return new Cart(checkout, product, option, addons, promo, customer, cardId, billingAddress, trial);
    }

    /** What a purchase whose option charges {@code optionCharged} (nothing during a trial) with {@code addons} charges. */
    private static long chargedToday(long optionCharged, List<Checkout.Addon> addons) {
        return optionCharged + addons.stream().mapToLong(Checkout.Addon::amount).sum();
    }

    /** The order's lines: the option (free during a trial) and the addons. */
    private static List<Order.Item> items(Cart cart) {
        var items = new ArrayList<Order.Item>();
        ProductOption option = cart.option();
        items.add(new Order.Item(Ids.newId("item"), "option", cart.product().id(), option.id(), null, null,
            cart.product().name() + " — " + option.name(), cart.optionCharged()));
        cart.addons()
            .forEach(addon -> items.add(new Order.Item(Ids.newId("item"), "addon", null, null, addon.id(), null,
                addon.name(), addon.amount())));
        return items;
    }

    private Begun recordPending(String accountId, Cart cart, PurchaseRequest request, PaymentGateway gateway,
        Optional<PaymentGateway.AttachedCard> newCard) {
        if (cart.promo() != null) {
            // Reserved before the charge, so that a code at its limit cannot be used twice by two buyers at once.
            // First of the locks this transaction takes (then the customer's, then the card's), as every purchase
            // takes them: two purchases of one customer with one code never wait for each other in a circle.
            promoCodes.redeem(accountId, cart.promo());
        }
        Customer known = cart.customer().orElseGet(() -> customers.buyer(accountId, request.customer().name(),
            request.customer().email().strip()));
        Customer customer = customers.lockForPurchase(accountId, known.id());
        if (cart.trial() && cart.product().oneTrialPerCustomer()
            && (!products.startsWithTrial(accountId, cart.product(), cart.option(), customer.id())
                || orders.trialUnderWay(accountId, customer.id(), cart.product().id()))) {
            // Decided again under the customer's lock: two purchases at once both found no trial of theirs.
            throw new TillException(ErrorCode.INVALID_STATE, cart.product().name() + " gives one free trial per "
                + "customer, and another purchase of this customer has just taken it. Nothing was charged; send the "
                + "purchase again to buy it at the full price.");
        }
        var saved = newCard.map(card -> cards.save(accountId, customer.id(), gateway.name(), card));
        String cardId = saved.map(card -> card.card().id()).orElse(cart.cardId());
        var items = items(cart);
        ProductOption option = cart.option();
        long subtotal = items.stream().mapToLong(Order.Item::amount).sum();
        long discount = cart.promo() == null ? 0 : cart.promo().discountOn(subtotal, cart.option().currency());
        // A purchase that names no card pays with the default as it is when the order is written, read with the
        // customer locked: a change of the default then either came first, or waits and moves what the order starts
        // (CardRecovery), as if it came after the purchase.
        boolean byDefault = newCard.isEmpty() && request.paymentMethodId() == null;
        String paying = byDefault ? cards.holdDefault(accountId, customer.id()) : cardId;
        // Numbered as it is written (0 until then), the last lock this transaction takes: every purchase of the account
        // waits for it, so the idempotency mark and the settlement job are written before it.
        var order = new Order(Ids.newId("ord"), 0, null, customer.id(),
            cart.checkout() == null ? null : cart.checkout().id(),
            Order.Status.PENDING,
            option.currency(), subtotal, discount, subtotal - discount, 0,
            cart.promo() == null ? null : cart.promo().id(),
            paying, items, null, null, null, cart.billingAddress(), Timestamps.now(clock));
        // The card was checked before this transaction; removed since, the purchase is refused here and everything it
        // wrote is undone. Held from here, a removal waits for the order, and then what it starts follows the default
        // (Settlements.recordPaid).
        String cardReference = (paying == null
            ? Optional.<String>empty()
            : cards.holdSaved(accountId, customer.id(), paying))
            .orElseThrow(() -> TillException.invalid("payment_method_id", "not_found", (byDefault
                ? "the customer's default card " + cardId
                : "card " + cardId) + " was removed while the order was placed; nothing was charged"));
        movements.reaching("order:" + order.id());
        jobs.schedule(accountId, BillingJobs.Kind.ORDER_SETTLEMENT, order.id(), order.createdAt().plus(
            SETTLEMENT_DELAY));
        Order pending = orders.insertPending(accountId, order, saved.filter(Cards.Purchased::added).isPresent());
        return new Begun(pending, cardReference);
    }

}
