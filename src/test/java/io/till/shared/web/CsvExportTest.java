package io.till.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Cells as a spreadsheet reads them: quoted where RFC 4180 needs it, and never run as a formula. */
class CsvExportTest {

    @Test
    void quotesCellsWithCommasQuotesLineBreaksOrEdgeSpaces() {
        assertThat(CsvExport.cell("Ada Lovelace")).isEqualTo("Ada Lovelace");
        assertThat(CsvExport.cell("Lovelace, Ada")).isEqualTo("\"Lovelace, Ada\"");
        assertThat(CsvExport.cell("the \"Pro\" plan")).isEqualTo("\"the \"\"Pro\"\" plan\"");
        assertThat(CsvExport.cell("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(CsvExport.cell(" padded")).isEqualTo("\" padded\"");
        assertThat(CsvExport.cell(null)).isEmpty();
    }

    @Test
    void textThatASpreadsheetWouldRunAsAFormulaIsMadeInert() {
        assertThat(CsvExport.cell("=HYPERLINK(\"http://evil\",\"x\")")).isEqualTo(
            "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"");
        assertThat(CsvExport.cell("+1 555 0100")).isEqualTo("'+1 555 0100");
        assertThat(CsvExport.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(CsvExport.cell("-cmd")).isEqualTo("'-cmd");
        assertThat(CsvExport.cell("\tx")).isEqualTo("'\tx");
    }

    @Test
    void numbersAndMomentsStayAsTheyAre() {
        assertThat(CsvExport.cell("-5.00")).isEqualTo("-5.00");
        assertThat(CsvExport.cell(-3)).isEqualTo("-3");
        assertThat(CsvExport.cell("19.99")).isEqualTo("19.99");
        assertThat(CsvExport.cell(Instant.parse("2026-11-30T15:00:00Z"))).isEqualTo("2026-11-30T15:00:00Z");
        assertThat(CsvExport.cell(true)).isEqualTo("true");
    }
}
