package io.till.receipt;

import io.till.customer.Card;
import io.till.shared.Amounts;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

/**
 * What a buyer is shown as proof of paying: for an order (its lines, every payment toward it and every refund) or for
 * one payment (what it paid for and its refunds). Amounts are minor units of {@link #currency()}; Till charges no tax,
 * so the totals are tax-free.
 *
 * @param id the order's or the payment's id, which the receipt's links name
 * @param orderNumber the number buyers and staff read of the order (1042, shown #1042): the receipt's own, the one a
 *     payment paid toward, or the one that started the subscription or plan it paid; null when there is none
 * @param date when the order was placed or the payment taken
 * @param discount what a promo code took off, zero when none
 * @param total what was charged for the lines
 * @param creditNotes what the seller credited back on the invoice paid (to spend on later invoices), oldest first
 * @param footer the seller's footer text (portal settings), or null
 * @param startedByOrder whether {@code orderNumber} is the order that started the subscription or payment plan this
 *     payment renewed or paid an installment of, rather than the order it paid
 */
public record Receipt(
    Kind kind,
    String id,
    Long orderNumber,
    Instant date,
    Seller seller,
    Buyer buyer,
    String currency,
    List<Line> lines,
    long subtotal,
    long discount,
    long total,
    List<Charge> charges,
    List<Refund> refunds,
    List<CreditNote> creditNotes,
    String footer,
    boolean startedByOrder) {

    /** The footer cut into text and the web addresses in it, which receipts show as links. */
    public List<LinkedText.Part> footerParts() {
        return LinkedText.of(footer);
    }

    public enum Kind {
        ORDER,
        PAYMENT,
        /** A renewal or an installment the buyer's credit paid in full: no card was charged. */
        INVOICE
    }

    /** The receipt's heading: "Receipt" for an order or what credit paid, "Payment receipt" for a payment. */
    public String heading() {
        return kind == Kind.PAYMENT ? "Payment receipt" : "Receipt";
    }

    /** Where the portal serves it: {@code orders}, {@code payments} or {@code invoices}, then its id. */
    public String portalPath() {
        return switch (kind) {
            case ORDER -> "orders";
            case PAYMENT -> "payments";
            case INVOICE -> "invoices";
        };
    }

    /** Whether the buyer's credit paid it all, with no card charged. */
    public boolean paidByCredit() {
        return kind == Kind.INVOICE;
    }

    /**
     * Who sold: the account's branding, with the company name falling back to the account's name; {@code logoUrl} is
     * the seller's own URL, which Till fetches (io.till.account.BrandImages), never a browser.
     */
    public record Seller(String accountId, String companyName, String supportEmail, String logoUrl,
        String brandColor, ZoneId zone) {}

    /** Who bought; {@code billingAddress} is the order's, null when the buyer gave none. */
    public record Buyer(String name, String email, BillingAddress billingAddress) {

        /**
         * The "Billed to" lines of an email: the buyer's name, then their billing address (without the name again when
         * the address starts with it), as the PDF prints them; empty without an address.
         */
        public List<String> billedTo() {
            if (billingAddress == null) {
                return List.of();
            }
            var lines = new java.util.ArrayList<String>();
            if (billingAddress.lines().isEmpty() || !billingAddress.lines().getFirst().equals(name)) {
                lines.add(name);
            }
            lines.addAll(billingAddress.lines());
            return lines;
        }

        /**
         * The billing address's lines under the buyer's name and email, as the page and the PDF show them: without its
         * first line when that is the buyer's name again (as it mostly is); empty without an address.
         */
        public List<String> addressLines() {
            if (billingAddress == null) {
                return List.of();
            }
            var lines = billingAddress.lines();
            return !lines.isEmpty() && lines.getFirst().equals(name) ? lines.subList(1, lines.size()) : lines;
        }
    }

    /** A postal address as printed, line by line. */
    public record BillingAddress(List<String> lines) {}

    /** One line bought; {@code detail} says more (the period of a renewal), or is null. */
    public record Line(String description, String detail, long amount) {}

    /** Money taken from a card. */
    public record Charge(String paymentId, Instant date, long amount, String cardBrand, String cardLast4) {

        /** {@code Visa •••• 4242}, or null when the card is unknown. */
        public String card() {
            return cardLast4 == null ? null : Card.brandName(cardBrand) + " •••• " + cardLast4;
        }
    }

    /** Money given back. */
    public record Refund(String refundId, String paymentId, Instant date, long amount) {}

    /** Part of what was paid, credited back to the buyer's balance rather than their card. */
    public record CreditNote(String id, Instant date, long amount) {}

    /** What the buyer paid: their card's charges, or their credit, which paid the whole of an invoice paid by it. */
    public long amountPaid() {
        return paidByCredit() ? creditPaid() : charges.stream().mapToLong(Charge::amount).sum();
    }

    /**
     * What the buyer's credit paid of an invoice paid by it: the whole of what it billed (its lines before the credit
     * applied, which they show as a line of its own, bringing the total to nothing).
     */
    public long creditPaid() {
        return paidByCredit() ? lines.stream().mapToLong(Line::amount).filter(amount -> amount > 0).sum() : 0;
    }

    /**
     * Whether the receipt lists how it was paid and what went back: for charges, and for an invoice paid by credit
     * once anything went back (a credit note on it), which the net paid then says.
     */
    public boolean showsPayments() {
        return !charges.isEmpty() || paidByCredit() && anythingBack();
    }

    public long amountRefunded() {
        return refunds.stream().mapToLong(Refund::amount).sum();
    }

    public long amountCreditNoted() {
        return creditNotes.stream().mapToLong(CreditNote::amount).sum();
    }

    /**
     * What was paid, less what went back by refund or credit note; never less than nothing: a credit note may give back
     * what the buyer's credit paid too (an invoice paid $80 from their balance and $20 by card, then credited back
     * whole), which the card's charges never held.
     */
    public long netPaid() {
        return Math.max(0, amountPaid() - amountRefunded() - amountCreditNoted());
    }

    /** Whether anything went back, so that the net amount is worth a line. */
    public boolean anythingBack() {
        return !refunds.isEmpty() || !creditNotes.isEmpty();
    }

    /** {@code Nov 29, 2026}: the day in the store's time zone (Settings › Branding; UTC when unset). */
    public String day(Instant instant) {
        return Receipts.day(instant, seller.zone());
    }

    /** {@code amount} formatted in this receipt's currency, {@code $29.00}. */
    public String money(long amount) {
        return Amounts.format(amount, currency);
    }

    /** {@code −$5.00}, for amounts taken off. */
    public String minus(long amount) {
        return "−" + money(amount);
    }

    /**
     * The title a buyer reads, by what they can quote to support: "Receipt for your order #1042 of Nov 29, 2026" or
     * "Receipt for your payment of $19.00 on Nov 29, 2026". A payment's id is only in its {@link #reference()}.
     */
    public String title() {
        return switch (kind) {
            case ORDER -> "Receipt for your order #" + orderNumber + " of " + day(date);
            case PAYMENT -> "Receipt for your payment of " + money(total) + " on " + day(date);
            case INVOICE -> "Receipt for " + money(lines.getFirst().amount()) + " paid with your credit on "
                + day(date);
        };
    }

    /**
     * What the buyer quotes and the seller searches for, at the receipt's foot: "Order #1042", or "Payment
     * reference pay_… (order #1042)".
     */
    public String reference() {
        if (kind == Kind.ORDER) {
            return "Order #" + orderNumber;
        }
        return (kind == Kind.INVOICE ? "Invoice reference " : "Payment reference ") + id + (orderNumber == null
            ? ""
            : " (" + orderLabel().toLowerCase(Locale.ROOT) + " #" + orderNumber + ")");
    }

    /**
     * What {@link #orderNumber()} is to this receipt, as its facts name it: "Order", or "Started with order" for a
     * renewal or an installment, so that a buyer does not read a renewal as the first order paid again.
     */
    public String orderLabel() {
        return startedByOrder ? "Started with order" : "Order";
    }

    /** {@code receipt-1042.pdf} for an order, {@code receipt-pay_….pdf} for a payment, {@code receipt-inv_….pdf}. */
    public String fileName() {
        return "receipt-" + (kind == Kind.ORDER ? String.valueOf(orderNumber) : id) + ".pdf";
    }
}
