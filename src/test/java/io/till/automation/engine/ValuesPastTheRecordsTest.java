package io.till.automation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** What a custom event may carry and no record of Till's does: read as missing or as written, never a failure. */
class ValuesPastTheRecordsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void anIndexPastAnyListIsMissing() {
        var context = JSON.readTree("{\"order\": {\"items\": [{\"kind\": \"option\"}]}}");

        assertThat(Paths.get(context, "order.items.10000000000.kind")).isNull();
        assertThat(Paths.get(context, "order.items.0.kind").asString()).isEqualTo("option");
    }

    @Test
    void aNumberPastALongIsWrittenOutWhole() {
        var context = JSON.readTree("{\"event\": {\"data\": {\"ref\": 98765432109876543210, \"n\": 7}}}");

        var rendered = Templates.render(JSON.readTree("{\"text\": \"{{event.data.ref}} / {{event.data.n}}\"}"),
            context);

        assertThat(rendered.get("text").asString()).isEqualTo("98765432109876543210 / 7");
    }
}
