package io.till.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The self-hosting files (packaging/, docs/SELF_HOSTING.md) speak of real settings only: every {@code TILL_…} variable
 * they set is one Till reads (application.properties) and the README's Configuration table describes; and every
 * variable of that table is read by Till. A renamed setting cannot leave a production file silently ignored. Every way
 * to start Till chooses the garbage collector its benchmarks measure.
 */
class PackagingFilesTest {

    private static final Pattern VARIABLE = Pattern.compile("\\bTILL_[A-Z0-9_]+\\b");
    private static final List<Path> PACKAGING = List.of(Path.of("packaging/till.env.example"),
        Path.of("packaging/compose.yaml"), Path.of("packaging/till.service"), Path.of("packaging/Dockerfile"),
        Path.of("docs/SELF_HOSTING.md"));

    private static Set<String> variables(String text) {
        var found = new TreeSet<String>();
        VARIABLE.matcher(text).results().forEach(match -> found.add(match.group()));
        return found;
    }

    /** The variables of the README's Configuration table: its rows start with | `TILL_…` |. */
    private static Set<String> documented() throws IOException {
        var rows = new TreeSet<String>();
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            var row = Pattern.compile("^\\| `(TILL_[A-Z0-9_]+)` \\|").matcher(line);
            if (row.find()) {
                rows.add(row.group(1));
            }
        }
        return rows;
    }

    @Test
    void everyVariableThePackagingSetsIsReadByTillAndDocumented() throws IOException {
        Set<String> read = variables(Files.readString(Path.of("src/main/resources/application.properties")));
        Set<String> documented = documented();
        var used = new TreeSet<String>();
        for (Path file : PACKAGING) {
            used.addAll(variables(Files.readString(file)));
        }

        assertThat(used).contains("TILL_DATABASE_URL", "TILL_MASTER_KEY", "TILL_PUBLIC_URL");
        assertThat(documented).as("documented in README.md, Configuration").containsAll(used);
        assertThat(read).as("read by Till (application.properties)").containsAll(used);
    }

    @Test
    void everyWayToStartTillChoosesTheCollectorTheBenchmarksMeasured() throws IOException {
        String collector = ShippedJvm.collector();
        String image = Files.readString(Path.of("packaging/Dockerfile"));
        String pom = Files.readString(Path.of("pom.xml"));

        assertThat(collector).isEqualTo("-XX:+UseParallelGC");
        assertThat(image.lines().filter(line -> line.startsWith("ENTRYPOINT")))
            .singleElement().asString().contains("\"" + collector + "\"");
        assertThat(pom).as("./mvnw spring-boot:run").contains("<jvmArguments>" + collector + "</jvmArguments>");
        for (Path document : List.of(Path.of("README.md"), Path.of("docs/SELF_HOSTING.md"))) {
            var starts = Pattern.compile("java (-\\S+ )*-jar target/till").matcher(Files.readString(document))
                .results().map(match -> match.group()).toList();
            assertThat(starts).as("how %s says to start the jar", document).isNotEmpty()
                .allSatisfy(start -> assertThat(start).contains(collector));
        }
    }

    @Test
    void everyDocumentedVariableIsReadByTill() throws IOException {
        Set<String> read = variables(Files.readString(Path.of("src/main/resources/application.properties")));

        assertThat(documented()).hasSizeGreaterThan(40);
        assertThat(read).containsAll(documented());
    }
}
