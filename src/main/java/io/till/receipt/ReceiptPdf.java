package io.till.receipt;

import com.lowagie.text.Chunk;
import com.lowagie.text.Document;
import com.lowagie.text.DocumentException;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.Image;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.Rectangle;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfWriter;
import io.till.account.BrandImages;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * A receipt as an A4 PDF whose text can be selected, searched and extracted. The header draws the seller's logo as
 * Till keeps it (io.till.account.BrandImages: fetched once, checked, in memory) above the company name in the brand
 * colour; without one, or one OpenPDF cannot draw (WebP), the name stands alone. Text is set in Liberation Sans,
 * embedded as a subset of the characters used (Latin with its extensions, Greek, Cyrillic: buyers' and sellers' names
 * as they wrote them); a character it lacks (Chinese, Japanese, Korean) prints as '?', while the HTML receipt shows it.
 */
final class ReceiptPdf {

    private static final Color INK = new Color(0x1f, 0x29, 0x37);
    private static final Color MUTED = new Color(0x6b, 0x72, 0x80);
    private static final Color RULE = new Color(0xe5, 0xe7, 0xeb);
    private static final Color DEFAULT_BRAND = new Color(0x33, 0x41, 0x55);

    private ReceiptPdf() {}

    /** The tallest the logo is drawn, in points (about 17 mm); wide logos are narrowed to fit beside no more. */
    private static final float LOGO_HEIGHT = 48;
    private static final float LOGO_WIDTH = 220;

    /** @param logo the seller's logo, or null */
    static byte[] render(Receipt receipt, BrandImages.BrandImage logo) {
        var out = new ByteArrayOutputStream();
        var document = new Document(PageSize.A4, 48, 48, 48, 48);
        try {
            PdfWriter.getInstance(document, out);
            document.addTitle(receipt.title());
            document.addAuthor(receipt.seller().companyName());
            document.addCreator("Till");
            document.open();
            logo(document, logo);
            write(document, receipt);
        } catch (DocumentException e) {
            throw new IllegalStateException("the receipt could not be laid out", e);
        } finally {
            document.close();
        }
        return out.toByteArray();
    }

    private static void logo(Document document, BrandImages.BrandImage logo) throws DocumentException {
        if (logo == null || !ImageSize.drawable(logo.bytes())) {
            return;
        }
        Image image;
        try {
            image = Image.getInstance(logo.bytes());
        } catch (IOException | RuntimeException e) {
            // A format OpenPDF does not read, or a file it cannot make sense of: the company name stands alone.
            return;
        }
        image.scaleToFit(LOGO_WIDTH, LOGO_HEIGHT);
        image.setSpacingAfter(6);
        document.add(image);
    }

    private static void write(Document document, Receipt receipt) throws DocumentException {
        Color brand = color(receipt.seller().brandColor());
        var company = new Paragraph(text(receipt.seller().companyName()), font(20, Font.BOLD, brand));
        document.add(company);
        if (receipt.seller().supportEmail() != null) {
            document.add(new Paragraph(text(receipt.seller().supportEmail()), font(10, Font.NORMAL, MUTED)));
        }
        var title = new Paragraph(receipt.heading(), font(16, Font.BOLD, INK));
        title.setSpacingBefore(24);
        document.add(title);
        var facts = new PdfPTable(new float[]{1, 2});
        facts.setWidthPercentage(100);
        facts.setSpacingBefore(8);
        if (receipt.orderNumber() != null) {
            fact(facts, receipt.orderLabel(), "#" + receipt.orderNumber());
        }
        fact(facts, "Date", receipt.day(receipt.date()));
        fact(facts, "Amount", money(receipt, receipt.total()));
        if (receipt.paidByCredit()) {
            fact(facts, "Paid with", "Your account credit");
        }
        var buyer = new StringBuilder(text(receipt.buyer().name()));
        // As the name: a letter the font lacks printed as nothing, and the address read as another one.
        buyer.append('\n').append(text(receipt.buyer().email()));
        receipt.buyer().addressLines().forEach(line -> buyer.append('\n').append(text(line)));
        fact(facts, "Billed to", buyer.toString());
        // A payment's or an invoice's id, for the seller to look it up by; an order's number above is searched for.
        if (receipt.kind() != Receipt.Kind.ORDER) {
            fact(facts, "Reference", receipt.id());
        }
        document.add(facts);

        var lines = new PdfPTable(new float[]{4, 1});
        lines.setWidthPercentage(100);
        lines.setSpacingBefore(20);
        lines.setHeaderRows(1);
        cell(lines, "Description", font(9, Font.BOLD, MUTED), Element.ALIGN_LEFT, Rectangle.BOTTOM);
        cell(lines, "Amount", font(9, Font.BOLD, MUTED), Element.ALIGN_RIGHT, Rectangle.BOTTOM);
        for (var line : receipt.lines()) {
            var description = new Phrase(text(line.description()), font(11, Font.NORMAL, INK));
            if (line.detail() != null) {
                description.add(new Chunk("\n" + text(line.detail()), font(9, Font.NORMAL, MUTED)));
            }
            lines.addCell(bordered(new PdfPCell(description), Element.ALIGN_LEFT, Rectangle.BOTTOM));
            cell(lines, signed(receipt, line.amount()), font(11, Font.NORMAL, INK), Element.ALIGN_RIGHT,
                Rectangle.BOTTOM);
        }
        total(lines, "Subtotal", money(receipt, receipt.subtotal()), false);
        if (receipt.discount() > 0) {
            total(lines, "Discount", minus(receipt, receipt.discount()), false);
        }
        total(lines, "Total", money(receipt, receipt.total()), true);
        document.add(lines);

        var paid = new PdfPTable(new float[]{4, 1});
        paid.setWidthPercentage(100);
        paid.setSpacingBefore(20);
        if (receipt.paidByCredit()) {
            cell(paid, "Paid with your account credit", font(11, Font.NORMAL, INK), Element.ALIGN_LEFT,
                Rectangle.NO_BORDER);
            cell(paid, money(receipt, receipt.creditPaid()), font(11, Font.NORMAL, INK), Element.ALIGN_RIGHT,
                Rectangle.NO_BORDER);
        }
        for (var charge : receipt.charges()) {
            String card = charge.card() == null ? "" : " with " + charge.card();
            cell(paid, "Paid on " + receipt.day(charge.date()) + card, font(11, Font.NORMAL, INK),
                Element.ALIGN_LEFT, Rectangle.NO_BORDER);
            cell(paid, money(receipt, charge.amount()), font(11, Font.NORMAL, INK), Element.ALIGN_RIGHT,
                Rectangle.NO_BORDER);
        }
        for (var refund : receipt.refunds()) {
            cell(paid, "Refunded on " + receipt.day(refund.date()), font(11, Font.NORMAL, INK), Element.ALIGN_LEFT,
                Rectangle.NO_BORDER);
            cell(paid, minus(receipt, refund.amount()), font(11, Font.NORMAL, INK), Element.ALIGN_RIGHT,
                Rectangle.NO_BORDER);
        }
        for (var note : receipt.creditNotes()) {
            cell(paid, "Credit note on " + receipt.day(note.date()) + ", credited to your balance",
                font(11, Font.NORMAL, INK), Element.ALIGN_LEFT, Rectangle.NO_BORDER);
            cell(paid, minus(receipt, note.amount()), font(11, Font.NORMAL, INK), Element.ALIGN_RIGHT,
                Rectangle.NO_BORDER);
        }
        if (receipt.anythingBack()) {
            total(paid, "Net paid", money(receipt, receipt.netPaid()), true);
        }
        if (receipt.showsPayments()) {
            document.add(paid);
        }
        if (receipt.footer() != null) {
            // Its web addresses are links a reader of the PDF can follow.
            var footer = new Paragraph();
            for (var part : receipt.footerParts()) {
                var chunk = new Chunk(text(part.text()), font(9, part.href() == null ? Font.NORMAL : Font.UNDERLINE,
                    MUTED));
                if (part.href() != null) {
                    chunk.setAnchor(part.href());
                }
                footer.add(chunk);
            }
            footer.setSpacingBefore(28);
            document.add(footer);
        }
        if (receipt.seller().supportEmail() != null) {
            var support = new Paragraph("Questions? Write to " + text(receipt.seller().supportEmail()) + ".",
                font(9, Font.NORMAL, MUTED));
            support.setSpacingBefore(receipt.footer() == null ? 28 : 6);
            document.add(support);
        }
        var noTax = new Paragraph("No tax was charged.", font(9, Font.NORMAL, MUTED));
        noTax.setSpacingBefore(6);
        document.add(noTax);
    }

    private static void fact(PdfPTable table, String label, String value) {
        cell(table, label, font(10, Font.NORMAL, MUTED), Element.ALIGN_LEFT, Rectangle.NO_BORDER);
        cell(table, value, font(10, Font.NORMAL, INK), Element.ALIGN_LEFT, Rectangle.NO_BORDER);
    }

    private static void total(PdfPTable table, String label, String amount, boolean strong) {
        var font = font(11, strong ? Font.BOLD : Font.NORMAL, INK);
        cell(table, label, font, Element.ALIGN_RIGHT, Rectangle.NO_BORDER);
        cell(table, amount, font, Element.ALIGN_RIGHT, Rectangle.NO_BORDER);
    }

    private static void cell(PdfPTable table, String text, Font font, int align, int border) {
        table.addCell(bordered(new PdfPCell(new Phrase(text, font)), align, border));
    }

    private static PdfPCell bordered(PdfPCell cell, int align, int border) {
        cell.setHorizontalAlignment(align);
        cell.setBorder(border);
        cell.setBorderColor(RULE);
        cell.setPaddingTop(5);
        cell.setPaddingBottom(7);
        cell.setLeading(0, 1.3f);
        return cell;
    }

    private static String signed(Receipt receipt, long amount) {
        return amount < 0 ? minus(receipt, -amount) : money(receipt, amount);
    }

    /** A hyphen, as PDF receipts have always printed it (and text copied from them reads); the HTML shows "−". */
    private static String minus(Receipt receipt, long amount) {
        return "-" + money(receipt, amount);
    }

    /**
     * The amount as the receipt shows it, in characters the fonts print: a currency sign they have no glyph for (the
     * rupee's ₹) gives way to the currency's code, "INR 1,999.00", rather than an amount in no currency at all (the
     * font's missing glyph prints nothing).
     */
    private static String money(Receipt receipt, long amount) {
        String shown = receipt.money(amount);
        if (shown.codePoints().allMatch(ReceiptPdf::prints)) {
            return shown;
        }
        var kept = new StringBuilder();
        shown.codePoints().filter(ReceiptPdf::prints).forEach(kept::appendCodePoint);
        return receipt.currency().toUpperCase(java.util.Locale.ROOT) + " " + kept.toString().strip();
    }

    private static boolean prints(int c) {
        return Fonts.REGULAR.charExists(c) && Fonts.BOLD.charExists(c);
    }

    private static Font font(float size, int style, Color color) {
        // The bold face itself, not a regular one OpenPDF would thicken with strokes.
        return new Font(style == Font.BOLD ? Fonts.BOLD : Fonts.REGULAR, size, style == Font.UNDERLINE
            ? Font.UNDERLINE
            : Font.NORMAL, color);
    }

    /** The text as the font can print it: a character it has no glyph for becomes '?', never a blank box. */
    private static String text(String value) {
        if (value == null) {
            return "";
        }
        var out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> {
            boolean printable = c == '\n' || prints(c);
            out.append(printable ? new String(Character.toChars(c)) : "?");
        });
        return out.toString();
    }

    /** Liberation Sans from openpdf-fonts-extra, read once; each PDF embeds the glyphs it uses (Identity-H). */
    private static final class Fonts {

        static final BaseFont REGULAR = load("LiberationSans-Regular.ttf");
        static final BaseFont BOLD = load("LiberationSans-Bold.ttf");

        private static BaseFont load(String file) {
            try (var in = ReceiptPdf.class.getResourceAsStream("/liberation/" + file)) {
                if (in == null) {
                    throw new IllegalStateException(file + " is missing: openpdf-fonts-extra is not on the class path");
                }
                return BaseFont.createFont(file, BaseFont.IDENTITY_H, BaseFont.EMBEDDED, true, in.readAllBytes(),
                    null);
            } catch (IOException e) {
                throw new IllegalStateException(file + " could not be read", e);
            }
        }
    }

    private static Color color(String hex) {
        return hex == null ? DEFAULT_BRAND : Color.decode(hex);
    }
}
