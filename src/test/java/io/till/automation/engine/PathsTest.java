package io.till.automation.engine;

import static io.till.automation.engine.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PathsTest {

    private static final JsonNode CONTEXT = json("""
        {"invoice": {"amount": 100, "note": null, "lines": [{"sku": "pro"}, {"sku": "team"}]}}
        """);

    @Test
    void readsADottedPath() {
        assertThat(Paths.get(CONTEXT, "invoice.amount")).isEqualTo(json("100"));
        assertThat(Paths.get(CONTEXT, "invoice")).isEqualTo(CONTEXT.get("invoice"));
    }

    @Test
    void readsIntoListsByIndex() {
        assertThat(Paths.get(CONTEXT, "invoice.lines.1.sku")).isEqualTo(json("\"team\""));
    }

    @Test
    void answersNullForAnythingMissing() {
        assertThat(Paths.get(CONTEXT, "invoice.total")).isNull();
        assertThat(Paths.get(CONTEXT, "order.id")).isNull();
        assertThat(Paths.get(CONTEXT, "invoice.lines.5.sku")).isNull();
        assertThat(Paths.get(CONTEXT, "invoice.lines.first")).isNull();
        assertThat(Paths.get(CONTEXT, "invoice.amount.cents")).isNull();
        assertThat(Paths.get(CONTEXT, "invoice.note.text")).isNull();
        assertThat(Paths.get(null, "invoice")).isNull();
    }

    @Test
    void keepsAJsonNullAsItIs() {
        assertThat(Paths.get(CONTEXT, "invoice.note")).isEqualTo(json("null"));
    }

    @Test
    void namesTheRootOfAPath() {
        assertThat(Paths.root("invoice.lines.0")).isEqualTo("invoice");
        assertThat(Paths.root("customer")).isEqualTo("customer");
    }
}
