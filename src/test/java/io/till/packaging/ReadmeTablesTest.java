package io.till.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's tables render as tables: a run of {@code |} rows outside code blocks starts with a header and its
 * {@code | --- |} line. A blank line inside a table ends it, and the rows after it showed as paragraphs of pipes (the
 * API reference from customers on did, until a reader said so).
 */
class ReadmeTablesTest {

    @Test
    void everyRunOfTableRowsStartsWithAHeaderAndItsSeparator() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        var headless = new ArrayList<String>();
        boolean inCode = false;
        boolean inTable = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                inCode = !inCode;
                continue;
            }
            boolean row = !inCode && line.startsWith("|");
            if (row && !inTable) {
                boolean separated = i + 1 < lines.size() && lines.get(i + 1).matches("\\|( *:?-{3,}:? *\\|)+");
                if (!separated) {
                    headless.add("line " + (i + 1) + ": " + line.substring(0, Math.min(60, line.length())));
                }
            }
            inTable = row;
        }
        assertThat(headless).as("table rows without a header line and | --- | above them").isEmpty();
    }
}
