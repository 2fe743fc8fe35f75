package io.till.receipt;

import io.till.account.Accounts;
import io.till.account.BrandImages;
import io.till.account.Brandings;
import io.till.billing.BillingAddress;
import io.till.billing.Order;
import io.till.billing.Orders;
import io.till.customer.Customers;
import io.till.shared.Amounts;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;

/**
 * Builds receipts for orders, payments, and the renewals and installments a buyer's credit paid in full. The staff's methods take the account only; the buyer's also take the
 * customer, and a receipt of another customer is not found, exactly like one of another account.
 */
@Service
public class Receipts {

    /** The gateway key of an upsell's charge ({@code checkout.Upsells}): the order and the upsell it paid for. */
    private static final java.util.regex.Pattern UPSELL_CHARGE = java.util.regex.Pattern.compile(
        "order:([^:]+):upsell:([^:]+):attempt:\\d+");

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d, yyyy", Locale.US);

    private final Orders orders;
    private final Customers customers;
    private final Accounts accounts;
    private final Brandings brandings;
    private final ReceiptPreferences preferences;
    private final ReceiptRecords records;
    private final BrandImages images;

    Receipts(Orders orders, Customers customers, Accounts accounts, Brandings brandings,
        ReceiptPreferences preferences, ReceiptRecords records, BrandImages images) {
        this.images = images;
        this.orders = orders;
        this.customers = customers;
        this.accounts = accounts;
        this.brandings = brandings;
        this.preferences = preferences;
        this.records = records;
    }

    /** The receipt of a paid order, for the seller's staff. */
    public Receipt forOrder(String accountId, String orderId) {
        return forOrder(accountId, null, orderId);
    }

    /** The receipt of a payment that took money, for the seller's staff. */
    public Receipt forPayment(String accountId, String paymentId) {
        return forPayment(accountId, null, paymentId);
    }

    /** The receipt of one of this customer's paid orders; null {@code customerId} means any customer of the account. */
    public Receipt forOrder(String accountId, String customerId, String orderId) {
        var details = orderDetails(accountId, customerId, orderId);
        if (!details.paid()) {
            // Said as a buyer reads it, by the order's number: the portal shows this message as it is.
            throw new TillException(ErrorCode.INVALID_STATE, "Order #" + details.receipt().orderNumber() + (details
                .status().equals(Order.Status.PENDING.code())
                    ? " is not paid yet, so it has no receipt yet."
                    : " was not paid: its payment did not go through, so it has no receipt."));
        }
        return details.receipt();
    }

    /**
     * An order as its buyer sees it, paid or not; {@code receipt} holds its lines, payments and the refunds that went
     * through, {@code refundPending} what the gateway was asked to give back and has not confirmed yet.
     */
    public record OrderDetails(String status, Receipt receipt, long refundPending) {

        /** What was bought, as the buyer's lists name the order: its items, "Course — Once, Bonus pack — Once". */
        public String name() {
            var names = receipt.lines().stream().map(Receipt.Line::description).toList();
            return names.isEmpty() ? "Order" : String.join(", ", names);
        }

        /** Whether it was paid, refunded since or not: its receipt shows what went back. */
        public boolean paid() {
            return status.equals(Order.Status.PAID.code()) || status.equals(Order.Status.REFUNDED.code());
        }

        /** Whether anything was billed for it: a failed order charged nothing, so it has no one to bill. */
        public boolean billed() {
            return !status.equals(Order.Status.FAILED.code());
        }

        /**
         * The status a buyer is shown: an order whose last refund the gateway has not confirmed is still paid (the
         * money has not gone back yet); the page says the refund is on its way.
         */
        public String shownStatus() {
            return refundPending > 0 && status.equals(Order.Status.REFUNDED.code()) ? Order.Status.PAID.code() : status;
        }
    }

    /** One of this customer's orders, whatever its status; another customer's is not found. */
    public OrderDetails orderDetails(String accountId, String customerId, String orderId) {
        Order order = orders.get(accountId, orderId);
        if (customerId != null && !order.customerId().equals(customerId)) {
            throw TillException.notFound("order", orderId);
        }
        var lines = order.items().stream().map(item -> new Receipt.Line(item.name(), null, item.amount())).toList();
        var charges = records.chargesOfOrder(accountId, orderId);
        var paymentIds = charges.stream().map(Receipt.Charge::paymentId).toList();
        var receipt = new Receipt(Receipt.Kind.ORDER, order.id(), order.number(), order.createdAt(),
            seller(accountId), buyer(accountId, order.customerId(), order.billingAddress()), order.currency(), lines,
            order.subtotal(), order.discount(), order.total(), charges, records.refunds(accountId, paymentIds),
            records.creditNotes(accountId, paymentIds), footer(accountId), false);
        return new OrderDetails(order.status().code(), receipt, records.pendingRefunds(accountId, paymentIds));
    }

    /** The receipt of one of this customer's payments; null {@code customerId} means any customer of the account. */
    public Receipt forPayment(String accountId, String customerId, String paymentId) {
        var payment = records.payment(accountId, customerId, paymentId)
            .orElseThrow(() -> TillException.notFound("payment", paymentId));
        if (payment.status().equals("failed")) {
            throw new TillException(ErrorCode.INVALID_STATE, "This payment of " + Amounts.format(payment.amount(),
                payment.currency()) + " on " + day(payment.createdAt(), brandings.get(accountId).zone())
                + " did not go through, so it has no "
                + "receipt.");
        }
        var seller = seller(accountId);
        var lines = payment.orderId() != null
            ? orderPaymentLines(accountId, payment)
            : invoiceLines(payment, seller.zone());
        long subtotal = lines.stream().mapToLong(Receipt.Line::amount).sum();
        var charge = new Receipt.Charge(payment.id(), payment.createdAt(), payment.amount(), payment.cardBrand(),
            payment.cardLast4());
        return new Receipt(Receipt.Kind.PAYMENT, payment.id(), payment.orderNumber(), payment.createdAt(), seller,
            buyer(accountId, payment.customerId(), billingAddress(accountId, payment)),
            payment.currency(), lines, subtotal, Math.max(0, subtotal - payment.amount()), payment.amount(),
            List.of(charge),
            records.refunds(accountId, List.of(payment.id())), records.creditNotes(accountId, List.of(payment.id())),
            footer(accountId), payment.orderId() == null && payment.orderNumber() != null);
    }

    /** The receipt of a renewal or an installment the buyer's credit paid in full, for the seller's staff. */
    public Receipt forInvoice(String accountId, String invoiceId) {
        return forInvoice(accountId, null, invoiceId);
    }

    /**
     * The receipt of one of this customer's renewals or installments that their credit paid in full, with no card
     * payment (one a card paid, in part or whole, has its payment's receipt); null {@code customerId} means any
     * customer of the account. What it paid for, the credit applied, nothing charged.
     */
    public Receipt forInvoice(String accountId, String customerId, String invoiceId) {
        var paid = records.paidByCredit(accountId, customerId, invoiceId)
            .orElseThrow(() -> TillException.notFound("invoice", invoiceId));
        var seller = seller(accountId);
        var lines = invoiceLines(paid, seller.zone());
        long subtotal = lines.stream().mapToLong(Receipt.Line::amount).sum();
        return new Receipt(Receipt.Kind.INVOICE, paid.id(), paid.orderNumber(), paid.createdAt(), seller,
            buyer(accountId, paid.customerId(), billingAddress(accountId, paid)), paid.currency(), lines, subtotal,
            0, subtotal, List.of(), List.of(), records.creditNotesOfInvoice(accountId, paid.id()), footer(accountId),
            paid.orderNumber() != null);
    }

    /**
     * What a payment toward an order paid for, as its charge's key says: the order as placed (its option and addons),
     * or the one upsell whose acceptance it paid. Not by its place among the order's payments: a purchase that charged
     * nothing (a free option, a trial, a code that took it all) has no payment, and a free upsell neither.
     */
    private List<Receipt.Line> orderPaymentLines(String accountId, ReceiptRecords.PaymentRow payment) {
        Order order = orders.get(accountId, payment.orderId());
        String key = records.chargeKey(accountId, payment.id());
        if (key.equals("order:" + order.id())) {
            return order.items()
                .stream()
                .filter(item -> !item.kind().equals("upsell"))
                .map(item -> new Receipt.Line(item.name(), null, item.amount()))
                .toList();
        }
        var upsell = UPSELL_CHARGE.matcher(key);
        if (upsell.matches() && upsell.group(1).equals(order.id())) {
            var item = order.items().stream()
                .filter(line -> line.kind().equals("upsell") && upsell.group(2).equals(line.upsellId()))
                .findFirst();
            if (item.isPresent()) {
                return List.of(new Receipt.Line(item.get().name(), null, item.get().amount()));
            }
        }
        return List.of(new Receipt.Line("Payment toward order #" + order.number(), null, payment.amount()));
    }

    /** What a renewal or an installment paid for: the product and option, the period, and any credit applied. */
    private static List<Receipt.Line> invoiceLines(ReceiptRecords.PaymentRow payment, ZoneId zone) {
        String name = payment.productName() == null
            ? "Payment"
            : payment.productName() + (payment.optionName() == null ? "" : " — " + payment.optionName());
        String detail = payment.periodStart() != null && payment.periodEnd() != null
            ? day(payment.periodStart(), zone) + " – " + day(payment.periodEnd(), zone)
            : payment.subscription() ? "Subscription renewal" : "Payment plan installment";
        var lines = new ArrayList<Receipt.Line>();
        long due = payment.amountDue() > 0 ? payment.amountDue() : payment.amount();
        lines.add(new Receipt.Line(name, detail, due));
        if (payment.amountCredited() > 0) {
            lines.add(new Receipt.Line("Credit applied", null, -payment.amountCredited()));
        }
        return lines;
    }

    /** The receipt as a PDF answer, shown in the browser and saved as {@link Receipt#fileName()}. */
    public ResponseEntity<byte[]> pdfResponse(Receipt receipt) {
        return ResponseEntity.ok()
            .contentType(MediaType.APPLICATION_PDF)
            .header(HttpHeaders.CONTENT_DISPOSITION,
                ContentDisposition.inline().filename(receipt.fileName()).build().toString())
            .body(pdf(receipt));
    }

    /** The receipt as a PDF, with the seller's logo when Till has it in time (never later than its fetch timeout). */
    byte[] pdf(Receipt receipt) {
        var logo = images.image(receipt.seller().accountId(), receipt.seller().logoUrl());
        return ReceiptPdf.render(receipt, logo.orElse(null));
    }

    private Receipt.Seller seller(String accountId) {
        var branding = brandings.get(accountId);
        return new Receipt.Seller(accountId, branding.companyNameOr(accounts.get(accountId).name()),
            branding.supportEmail(),
            branding.logoUrl(), branding.brandColor(), branding.zone());
    }

    private Receipt.Buyer buyer(String accountId, String customerId, BillingAddress address) {
        var customer = customers.get(accountId, customerId);
        return new Receipt.Buyer(customer.name(), customer.email(),
            address == null ? null : new Receipt.BillingAddress(address.lines()));
    }

    /** A payment's billing address: its order's, or for a renewal or installment, the order that started it. */
    private BillingAddress billingAddress(String accountId, ReceiptRecords.PaymentRow payment) {
        String orderId = payment.orderId() != null ? payment.orderId() : payment.originOrderId();
        return orderId == null ? null : orders.get(accountId, orderId).billingAddress();
    }

    private String footer(String accountId) {
        return preferences.footer(accountId);
    }

    /** {@code Nov 29, 2026}: the day {@code instant} fell on in {@code zone}, the store's. */
    static String day(Instant instant, ZoneId zone) {
        return DAY.format(instant.atZone(zone));
    }
}
