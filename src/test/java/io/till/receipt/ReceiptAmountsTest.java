package io.till.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The amounts of a payment's receipt: "Net paid", what the card paid less what went back, and how the PDF prints them. */
class ReceiptAmountsTest {

    private static final Instant DAY = Instant.parse("2026-12-01T10:00:00Z");

    /**
     * An invoice of $100 paid $80 from the buyer's balance and $20 by card, then credited back whole: a review found
     * the receipt printing "Net paid -$80.00". The credit note gave back the balance's part too; the card's is nothing.
     */
    @Test
    void aCreditNoteGivingBackWhatCreditPaidLeavesNothingNetNeverLessThanNothing() {
        var paidMostlyByCredit = receipt(List.of(charge(2000)), List.of(), List.of(note(10000)));
        var refundedThenNoted = receipt(List.of(charge(2000)), List.of(refund(2000)), List.of(note(8000)));

        assertThat(paidMostlyByCredit.netPaid()).isZero();
        assertThat(refundedThenNoted.netPaid()).isZero();
    }

    @Test
    void aPartialRefundAndCreditNoteComeOffWhatTheCardPaid() {
        var receipt = receipt(List.of(charge(1900)), List.of(refund(500)), List.of(note(300)));

        assertThat(receipt.netPaid()).isEqualTo(1100);
        assertThat(receipt.anythingBack()).isTrue();
    }

    /**
     * The rupee's sign is no glyph of the receipt's font: a review found INR receipts printing "1,999.00" in no
     * currency at all. The PDF says the currency's code instead; an amount whose sign prints stays as it is.
     */
    @Test
    void aPdfAmountWhoseCurrencySignTheFontLacksNamesTheCurrencyByItsCode() throws Exception {
        var seller = new Receipt.Seller("acct_1", "Chai Studio", null, null, null, java.time.ZoneOffset.UTC);
        var rupees = new Receipt(Receipt.Kind.PAYMENT, "pay_1", 1042L, DAY, seller, new Receipt.Buyer("Asha",
            "asha@example.com", null), "inr", List.of(new Receipt.Line("Membership", null, 199900)), 199900, 0,
            199900, List.of(charge(199900)), List.of(), List.of(), null, false);
        var dollars = new Receipt(Receipt.Kind.PAYMENT, "pay_1", 1042L, DAY, seller, new Receipt.Buyer("Ada",
            "ada@example.com", null), "usd", List.of(new Receipt.Line("Membership", null, 1900)), 1900, 0, 1900,
            List.of(charge(1900)), List.of(), List.of(), null, false);

        assertThat(ReceiptPdfs.text(ReceiptPdf.render(rupees, null))).contains("INR 1,999.00");
        assertThat(ReceiptPdfs.text(ReceiptPdf.render(dollars, null))).contains("$19.00").doesNotContain("USD");
    }

    /** An address whose letters the font lacks keeps a mark for each, as the name does: not a shorter address. */
    @Test
    void aPdfEmailWhoseLettersTheFontLacksKeepsAMarkForEach() throws Exception {
        var seller = new Receipt.Seller("acct_1", "Studio", "山@例え.jp", null, null,
            java.time.ZoneOffset.UTC);
        var receipt = new Receipt(Receipt.Kind.PAYMENT, "pay_1", 1042L, DAY, seller, new Receipt.Buyer("山田",
            "山田@例え.jp", null), "usd", List.of(new Receipt.Line("Membership", null, 1900)), 1900, 0,
            1900, List.of(charge(1900)), List.of(), List.of(), null, false);

        String text = ReceiptPdfs.text(ReceiptPdf.render(receipt, null));

        assertThat(text).contains("??@??.jp", "Write to ?@??.jp").doesNotContainPattern("(?m)^@\\.jp");
    }

    private static Receipt receipt(List<Receipt.Charge> charges, List<Receipt.Refund> refunds,
        List<Receipt.CreditNote> notes) {
        return new Receipt(Receipt.Kind.PAYMENT, "pay_1", 1042L, DAY, null, new Receipt.Buyer("Ada", "ada@example.com",
            null), "usd", List.of(), 10000, 0, 2000, charges, refunds, notes, null, false);
    }

    private static Receipt.Charge charge(long amount) {
        return new Receipt.Charge("pay_1", DAY, amount, "visa", "4242");
    }

    private static Receipt.Refund refund(long amount) {
        return new Receipt.Refund("re_1", "pay_1", DAY, amount);
    }

    private static Receipt.CreditNote note(long amount) {
        return new Receipt.CreditNote("cn_1", DAY, amount);
    }
}
