package io.till.billing;

import io.till.catalog.Products;
import io.till.customer.Card;
import io.till.customer.Cards;
import io.till.shared.Amounts;
import io.till.shared.PageRequest;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * What the subscription and payment plan pages show alike, as rows ready for their templates: the product, the cards
 * the customer could pay with, the payments with what is left to refund of each, the refunds and the invoices.
 */
@org.springframework.stereotype.Component
class RecordViews {

    /** As many of a customer's cards as a record offers to choose from. */
    private static final int CARDS = 50;

    private final Products products;
    private final Orders orders;
    private final Cards cards;
    private final Payments payments;
    private final Refunds refunds;
    private final RefundHistory history;
    private final Invoices invoices;
    private final BillingJobs jobs;
    private final Clock clock;

    RecordViews(Products products, Orders orders, Cards cards, Payments payments, Refunds refunds,
        RefundHistory history, Invoices invoices, BillingJobs jobs, Clock clock) {
        this.products = products;
        this.orders = orders;
        this.cards = cards;
        this.payments = payments;
        this.refunds = refunds;
        this.history = history;
        this.invoices = invoices;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** A card to choose in a record's form; {@code expired} ones are shown, not offered. */
    record CardChoice(String id, String label, boolean current, boolean expired) {

        public boolean offered() {
            return current || !expired;
        }
    }

    record PaymentRow(String id, Instant createdAt, String amount, String refunded, String status, String failure,
        boolean refundable, String left, String leftTyped, String currency) {}

    record RefundRow(String id, String paymentId, Instant createdAt, String amount, String status, String reason) {}

    record InvoiceRow(String id, long number, int sequence, String status, String amount, Instant periodStart,
        Instant periodEnd,
        Instant dueAt, Instant paidAt, int attempts) {}

    /**
     * An invoice still waiting for its money, as the top of its record says it: what is owed, how many charges were
     * tried, what the bank said to the last, and when the retry schedule tries next (null when none is on the agenda:
     * the schedule is spent, or it waits for a new card).
     */
    record Owing(String invoiceId, String owed, Instant dueAt, boolean overdue, int attempts, String lastDecline,
        Instant nextRetry) {}

    /** The product bought and its option, as "Membership · Monthly"; a product removed since says so. */
    String product(String accountId, String productId, String optionId) {
        String product = products.find(accountId, productId).map(p -> p.name()).orElse("Removed product");
        return products.option(accountId, optionId).map(o -> product + " · " + o.name()).orElse(product);
    }

    /** The order a subscription or plan was bought with, as its record links to it; null for one started by the API. */
    OrderLink order(String accountId, String orderId) {
        return orderId == null ? null : new OrderLink(orderId, orders.get(accountId, orderId).number());
    }

    record OrderLink(String id, long number) {}

    /** The card that pays, as "Visa ending in 4242 · expires 12/2030", removed or not; null when none was chosen. */
    String card(String accountId, String cardId) {
        Instant now = Timestamps.now(clock);
        return cardId == null
            ? null
            : cards.findOnRecord(accountId, cardId).map(card -> CardExpiry.label(card, now)).orElse(null);
    }

    /** A card that was charged, as its holder reads it: "Visa ending in 4242", removed or not; null when unknown. */
    String cardName(String accountId, String cardId) {
        return cardId == null ? null : cards.findOnRecord(accountId, cardId).map(Card::name).orElse(null);
    }

    /**
     * The customer's saved cards, the one that pays marked. An expired card says so and cannot be chosen (changing to
     * it is refused, and a charge on it would be declined), unless it is the one that pays now, which shows as chosen.
     */
    List<CardChoice> cardChoices(String accountId, String customerId, String currentCardId) {
        Instant now = Timestamps.now(clock);
        return cards.list(accountId, customerId, PageRequest.of(CARDS, null, "card"))
            .data()
            .stream()
            .map(card -> {
                boolean expired = card.expiredAt(now);
                return new CardChoice(card.id(), CardExpiry.label(card, now), card.id().equals(currentCardId),
                    expired);
            })
            .toList();
    }

    List<PaymentRow> payments(String accountId, String subscriptionId, String paymentPlanId) {
        return payments.of(accountId, subscriptionId, paymentPlanId).stream().map(p -> row(accountId, p)).toList();
    }

    List<RefundRow> refunds(String accountId, String subscriptionId, String paymentPlanId) {
        return refundRows(history.of(accountId, subscriptionId, paymentPlanId));
    }

    /** The refunds of an invoice's payments. */
    List<RefundRow> invoiceRefunds(String accountId, String invoiceId) {
        return refundRows(history.ofInvoice(accountId, invoiceId));
    }

    private static List<RefundRow> refundRows(List<Refund> list) {
        return list.stream()
            .map(r -> new RefundRow(r.id(), r.paymentId(), r.createdAt(), Amounts.format(r.amount(), r.currency()),
                r.status(), r.reason()))
            .toList();
    }

    /** The unpaid invoices of a subscription or a payment plan, oldest first. */
    List<Owing> owing(String accountId, String subscriptionId, String paymentPlanId) {
        var open = invoices.of(accountId, subscriptionId, paymentPlanId).stream()
            .filter(invoice -> invoice.status().equals("issued"))
            .sorted(Comparator.comparing(Invoice::periodStart))
            .toList();
        if (open.isEmpty()) {
            return List.of();
        }
        var charges = payments.of(accountId, subscriptionId, paymentPlanId);
        return open.stream()
            .map(invoice -> new Owing(invoice.id(), Amounts.format(invoice.amountDue() - invoice.amountCredited(),
                invoice.currency()), invoice.dueAt(), invoice.overdue(), invoice.attemptCount(),
                charges.stream()
                    .filter(p -> invoice.id().equals(p.invoiceId()) && p.status().equals("failed"))
                    .max(Comparator.comparing(Payment::createdAt))
                    .map(RecordViews::failure)
                    .orElse(null),
                jobs.nextDue(accountId, BillingJobs.Kind.INVOICE_RETRY, invoice.id()).orElse(null)))
            .toList();
    }

    /** The invoices, each with its attempt_count: every charge tried for it, as its page lists them. */
    List<InvoiceRow> invoices(String accountId, String subscriptionId, String paymentPlanId) {
        return invoices.of(accountId, subscriptionId, paymentPlanId)
            .stream()
            .map(i -> new InvoiceRow(i.id(), i.number(), i.sequence(), i.status(),
                Amounts.format(i.amountDue(), i.currency()),
                i.periodStart(), i.periodEnd(), i.dueAt(), i.paidAt(), i.attemptCount()))
            .toList();
    }

    /** A payment with what may still be refunded of it: the figure the refund enforces, credit notes counted. */
    PaymentRow row(String accountId, Payment p) {
        long left = refunds.refundable(accountId, p);
        return new PaymentRow(p.id(), p.createdAt(), Amounts.format(p.amount(), p.currency()),
            p.amountRefunded() == 0 ? null : Amounts.format(p.amountRefunded(), p.currency()), p.status(), failure(p),
            left > 0, Amounts.format(left, p.currency()), RecordForms.typed(left, p.currency()), p.currency());
    }

    /**
     * An order's status as a list shows it: a paid order some of whose money went back is {@code partly_refunded}, as
     * its page says ("Paid. Partly refunded: $5.00 of $19.00"); the API's status stays {@code paid}.
     */
    static String listedStatus(Order order) {
        return partlyRefunded(order) ? "partly_refunded" : order.status().code();
    }

    /** How much of a partly refunded order went back, "$5.00 of $19.00 refunded"; null for any other order. */
    static String partlyRefundedText(Order order) {
        return partlyRefunded(order)
            ? Amounts.format(order.amountRefunded(), order.currency()) + " of "
                + Amounts.format(order.total(), order.currency()) + " refunded"
            : null;
    }

    private static boolean partlyRefunded(Order order) {
        return order.status() == Order.Status.PAID && order.amountRefunded() > 0;
    }

    /** Why a payment failed, in the gateway's words when it gave some. */
    static String failure(Payment p) {
        return p.failureMessage() != null ? p.failureMessage() : p.failureCode();
    }
}
