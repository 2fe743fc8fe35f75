package io.till.receipt;

import com.lowagie.text.pdf.PdfDictionary;
import com.lowagie.text.pdf.PdfName;
import com.lowagie.text.pdf.PdfReader;
import com.lowagie.text.pdf.parser.PdfTextExtractor;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Reads a PDF's text back, page after page, as a buyer's PDF viewer would copy it. */
public final class ReceiptPdfs {

    private ReceiptPdfs() {}

    public static String text(byte[] pdf) {
        try (var reader = new PdfReader(pdf)) {
            var extractor = new PdfTextExtractor(reader);
            var text = new StringBuilder();
            for (int page = 1; page <= reader.getNumberOfPages(); page++) {
                text.append(extractor.getTextFromPage(page)).append('\n');
            }
            return text.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("not a readable PDF", e);
        }
    }

    /** The web addresses the PDF's pages link to (URI actions of link annotations), in order. */
    public static java.util.List<String> links(byte[] pdf) {
        try (var reader = new PdfReader(pdf)) {
            var links = new java.util.ArrayList<String>();
            for (int page = 1; page <= reader.getNumberOfPages(); page++) {
                var annotations = reader.getPageN(page).getAsArray(PdfName.ANNOTS);
                for (int i = 0; annotations != null && i < annotations.size(); i++) {
                    var annotation = (PdfDictionary) PdfReader.getPdfObject(annotations.getPdfObject(i));
                    var action = annotation.getAsDict(PdfName.A);
                    if (action != null && action.getAsString(PdfName.URI) != null) {
                        links.add(action.getAsString(PdfName.URI).toUnicodeString());
                    }
                }
            }
            return links;
        } catch (IOException e) {
            throw new UncheckedIOException("not a readable PDF", e);
        }
    }

    /** How many images the PDF's pages draw (image XObjects in their resources). */
    public static int images(byte[] pdf) {
        try (var reader = new PdfReader(pdf)) {
            int images = 0;
            for (int page = 1; page <= reader.getNumberOfPages(); page++) {
                var resources = reader.getPageN(page).getAsDict(PdfName.RESOURCES);
                var objects = resources == null ? null : resources.getAsDict(PdfName.XOBJECT);
                if (objects == null) {
                    continue;
                }
                for (PdfName name : objects.getKeys()) {
                    var object = PdfReader.getPdfObject(objects.get(name));
                    if (object instanceof PdfDictionary dictionary
                        && PdfName.IMAGE.equals(dictionary.getAsName(PdfName.SUBTYPE))) {
                        images++;
                    }
                }
            }
            return images;
        } catch (IOException e) {
            throw new UncheckedIOException("not a readable PDF", e);
        }
    }
}
