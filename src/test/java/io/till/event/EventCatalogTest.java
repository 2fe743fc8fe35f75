package io.till.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/EVENTS.md and the code must name the same events: a reader of the docs can trust the list. */
class EventCatalogTest {

    private static final Pattern CATALOG_ROW = Pattern.compile("^\\| `([a-z_.]+)` \\|", Pattern.MULTILINE);

    @Test
    void documentsExactlyTheEventsTheCodeKnows() throws IOException {
        String docs = Files.readString(Path.of("docs/EVENTS.md"));
        var documented = CATALOG_ROW.matcher(docs).results().map(match -> match.group(1)).toList();

        assertThat(documented).doesNotHaveDuplicates()
            .containsExactlyInAnyOrderElementsOf(Arrays.stream(EventType.values()).map(EventType::type).toList());
    }

    @Test
    void keepsARealExampleOfEveryEvent() throws IOException {
        for (EventType type : EventType.values()) {
            Path example = Path.of("docs/events", type.type() + ".json");
            assertThat(example).as("example of %s (docs/generate-event-examples)", type.type()).exists();
            assertThat(Files.readString(example)).contains("\"type\" : \"" + type.type() + "\"");
        }
    }

    @Test
    void reservesTheFirstSegmentOfEveryOwnEventTillAndWhatTillSendsToEndpoints() {
        assertThat(EventType.isReserved("payment.failed")).isTrue();
        assertThat(EventType.isReserved("payment_plan.anything")).isTrue();
        assertThat(EventType.isReserved("till.internal")).isTrue();
        assertThat(EventType.isReserved("webhook.test")).isTrue();
        assertThat(EventType.isReserved("automation.webhook")).isTrue();
        assertThat(EventType.isReserved("acme.payment")).isFalse();
        assertThat(EventType.isReserved("payments.failed")).isFalse();
    }

    @Test
    void documentsTheReservedPrefixes() throws IOException {
        String docs = Files.readString(Path.of("docs/EVENTS.md"));

        EventType.RESERVED_PREFIXES.forEach(prefix -> assertThat(docs).contains("`" + prefix + "`"));
    }
}
