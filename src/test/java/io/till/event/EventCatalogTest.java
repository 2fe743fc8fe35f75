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

    /**
     * The objects each row says the event carries are the ones it declares (what automations may refer to), and those
     * it carries only sometimes say when: "invoice (when it was for an invoice)".
     */
    @Test
    void documentsTheObjectsEachEventCarriesAndWhenOnlySometimes() throws IOException {
        var rows = Pattern.compile("^\\| `([a-z_.]+)` \\| .* \\| (.*) \\| yes \\|$", Pattern.MULTILINE)
            .matcher(Files.readString(Path.of("docs/EVENTS.md"))).results().toList();
        assertThat(rows).hasSize(EventType.values().length);
        for (var row : rows) {
            EventType type = EventType.of(row.group(1)).orElseThrow();
            var named = new java.util.ArrayList<String>();
            for (String item : row.group(2).replaceAll("\\([^)]*\\)", "").split(",")) {
                named.add(item.strip());
            }
            for (String object : type.carries()) {
                assertThat(named).as(type.type()).contains(object);
                boolean saysWhen = Pattern.compile("(^|, )" + object + " \\(when ").matcher(row.group(2)).find();
                assertThat(saysWhen).as(type.type() + " says when it carries " + object)
                    .isEqualTo(type.carriesSometimes(object));
            }
            // Beside its objects, a row names the customer and the values the event carries (days_before, due_at).
            named.removeAll(type.carries());
            named.removeAll(java.util.List.of("customer", "days_before", "renews_at", "due_at", "resumed_from",
                "marketing_consent"));
            assertThat(named).as(type.type() + " names what it does not declare").isEmpty();
        }
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
