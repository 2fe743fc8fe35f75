package io.till.automation.engine;

import static io.till.automation.engine.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TemplatesTest {

    private static final JsonNode CONTEXT = json("""
        {"customer": {"first_name": "Ada", "name": null, "tags": ["vip", "new"], "consent": true},
         "invoice": {"amount": 4200, "total": 42.50},
         "event": {"comment": "<b>Tom & \\"Jerry\\"</b>"}}
        """);

    private static JsonNode render(String params) {
        return Templates.render(json(params), CONTEXT);
    }

    @Test
    void rendersVariablesOfTheContext() {
        assertThat(render("""
            {"subject": "Hello {{customer.first_name}}, you owe {{invoice.amount}}"}""")).isEqualTo(json("""
            {"subject": "Hello Ada, you owe 4200"}"""));
    }

    @Test
    void leavesValuesWithoutTemplatesAsTheyAre() {
        assertThat(render("""
            {"count": 3, "urgent": true, "none": null, "tags": ["a", 1], "text": "plain {not a template}"}"""))
            .isEqualTo(json("""
                {"count": 3, "urgent": true, "none": null, "tags": ["a", 1], "text": "plain {not a template}"}"""));
    }

    @Test
    void rendersInsideNestedObjectsAndLists() {
        assertThat(render("""
            {"metadata": {"who": "{{customer.first_name}}"}, "lines": ["{{invoice.amount}}", "fixed"]}"""))
            .isEqualTo(json("""
                {"metadata": {"who": "Ada"}, "lines": ["4200", "fixed"]}"""));
    }

    @Test
    void rendersNumbersBooleansAndDecimalsAsText() {
        assertThat(render("""
            {"text": "{{invoice.total}} {{customer.consent}}"}""")).isEqualTo(json("""
            {"text": "42.5 true"}"""));
    }

    @Test
    void rendersNullValuesEmpty() {
        assertThat(render("""
            {"text": "[{{customer.name}}]"}""")).isEqualTo(json("""
            {"text": "[]"}"""));
    }

    @Test
    void escapesHtmlParamsOnly() {
        assertThat(render("""
            {"html": "<p>{{event.comment}}</p>", "text": "{{event.comment}}"}""")).isEqualTo(json("""
            {"html": "<p>&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;</p>", "text": "<b>Tom & \\"Jerry\\"</b>"}"""));
    }

    @Test
    void escapesAnHtmlParamNestedInAnObject() {
        assertThat(render("""
            {"email": {"html": "{{event.comment}}"}}""").get("email").get("html").asString()).startsWith("&lt;b&gt;");
    }

    @Test
    void walksListsWithSections() {
        assertThat(render("""
            {"text": "{{#customer.tags}}#{{.}} {{/customer.tags}}"}""")).isEqualTo(json("""
            {"text": "#vip #new "}"""));
    }

    @Test
    void failsNamingTheParamAndTheVariableWhenTheContextLacksIt() {
        assertThatThrownBy(() -> render("""
            {"subject": "Hi", "metadata": {"note": "{{customer.nickname}}"}}"""))
            .isInstanceOf(Templates.RenderException.class)
            .hasMessage("params.metadata.note: the context has no customer.nickname (line 1)");
    }

    @Test
    void failsWhenTheRootOfAVariableIsMissing() {
        assertThatThrownBy(() -> render("""
            {"lines": ["ok", "{{order.id}}"]}""")).isInstanceOf(Templates.RenderException.class).hasMessage(
            "params.lines[1]: the context has no order (line 1)");
    }

    @Test
    void rendersNoParamsAsAnEmptyObject() {
        assertThat(Templates.render(null, CONTEXT)).isEqualTo(json("{}"));
        assertThat(Templates.render(json("null"), CONTEXT)).isEqualTo(json("{}"));
    }

    @Test
    void needsNoContextWhenNothingIsTemplated() {
        assertThat(Templates.render(json("""
            {"tag": "vip"}"""), null)).isEqualTo(json("""
            {"tag": "vip"}"""));
    }
}
