package io.till.receipt;

/** A receipt as plain text, for the text part of a receipt email. */
final class ReceiptText {

    private ReceiptText() {}

    static String render(Receipt receipt) {
        var text = new StringBuilder();
        text.append(receipt.title()).append('\n');
        text.append(receipt.kind() == Receipt.Kind.ORDER ? "Placed on " : "Paid on ")
            .append(receipt.day(receipt.date()))
            .append('\n')
            .append(receipt.reference())
            .append("\n\n");
        for (var line : receipt.lines()) {
            text.append(line.description());
            if (line.detail() != null) {
                text.append(" (").append(line.detail()).append(')');
            }
            text.append("  ")
                .append(line.amount() < 0 ? receipt.minus(-line.amount()) : receipt.money(line.amount()))
                .append('\n');
        }
        if (receipt.discount() > 0) {
            text.append("Discount  ").append(receipt.minus(receipt.discount())).append('\n');
        }
        text.append("Total  ").append(receipt.money(receipt.total())).append("\n\n");
        if (receipt.paidByCredit()) {
            text.append("Paid with your account credit: no card was charged\n");
        }
        for (var charge : receipt.charges()) {
            text.append("Paid ").append(receipt.money(charge.amount()));
            if (charge.card() != null) {
                text.append(" with ").append(charge.card());
            }
            text.append(" on ").append(receipt.day(charge.date())).append('\n');
        }
        for (var refund : receipt.refunds()) {
            text.append("Refunded ").append(receipt.money(refund.amount())).append(" on ")
                .append(receipt.day(refund.date())).append('\n');
        }
        for (var note : receipt.creditNotes()) {
            text.append("Credit note ").append(receipt.minus(note.amount())).append(" on ")
                .append(receipt.day(note.date())).append(", credited to your balance\n");
        }
        if (receipt.buyer().billingAddress() != null) {
            text.append("\nBilled to\n");
            receipt.buyer().billedTo().forEach(line -> text.append(line).append('\n'));
        }
        text.append("\nThe receipt is attached as a PDF.\n");
        if (receipt.footer() != null) {
            text.append('\n').append(receipt.footer()).append('\n');
        }
        return text.toString();
    }
}
