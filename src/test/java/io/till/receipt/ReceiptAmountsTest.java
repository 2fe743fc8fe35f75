package io.till.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The "Net paid" line of a payment's receipt: what the card paid, less what went back. */
class ReceiptNetPaidTest {

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
