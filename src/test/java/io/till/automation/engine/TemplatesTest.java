package io.till.automation.engine;

import static io.till.automation.engine.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

class TemplatesTest {

    private static final JsonNode CONTEXT = json("""
        {"customer": {"first_name": "Ada", "name": null, "tags": ["vip", "new"], "consent": true,
                      "metadata": {"plan": "gold"}},
         "invoice": {"amount": 4200, "total": 42.50},
         "event": {"comment": "<b>Tom & \\"Jerry\\"</b>", "link": "https://shop.example/track?order=7&lang=en"}}
        """);

    private static JsonNode render(String params) {
        return Templates.render(json(params), CONTEXT);
    }

    /**
     * Slack reads {@code <…>} and {@code &} in message text as mentions and links: what a template puts into a Slack
     * message is escaped as Slack asks (a buyer named "<!channel>" pinged the seller's whole channel), while the
     * seller's own links, typed in the template, stay links. Blocks' texts too; other actions' params are as they are.
     */
    @Test
    void escapesWhatTemplatesPutIntoASlackMessageAsSlackAsks() {
        var params = json("""
            {"text": "{{event.comment}} wrote <https://till.example/t|a note>",
             "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "From {{event.comment}}"}}]}""");

        var slack = Templates.render(params, CONTEXT, io.till.action.ActionSchema.Markup.SLACK);
        var plain = Templates.render(params, CONTEXT, io.till.action.ActionSchema.Markup.PLAIN);

        assertThat(slack.get("text").asString())
            .isEqualTo("&lt;b&gt;Tom &amp; \"Jerry\"&lt;/b&gt; wrote <https://till.example/t|a note>");
        assertThat(slack.get("blocks").get(0).get("text").get("text").asString())
            .isEqualTo("From &lt;b&gt;Tom &amp; \"Jerry\"&lt;/b&gt;");
        assertThat(plain.get("text").asString())
            .isEqualTo("<b>Tom & \"Jerry\"</b> wrote <https://till.example/t|a note>");
    }

    /**
     * A block's URL is a URL, not message text: a link put into a button's url or an image's image_url keeps its
     * query string (it was escaped to "&amp;lang=en", and the button opened a page that did not know the order).
     */
    @Test
    void leavesTheUrlsOfASlackMessagesBlocksAsTheyAre() {
        var params = json(
            """
                {"blocks": [{"type": "actions", "elements": [{"type": "button", "url": "{{event.link}}",
                                                              "text": {"type": "plain_text", "text": "{{event.comment}}"}}]},
                            {"type": "image", "image_url": "{{event.link}}", "alt_text": "Track"}]}""");

        var slack = Templates.render(params, CONTEXT, io.till.action.ActionSchema.Markup.SLACK);

        var button = slack.get("blocks").get(0).get("elements").get(0);
        assertThat(button.get("url").asString()).isEqualTo("https://shop.example/track?order=7&lang=en");
        assertThat(button.get("text").get("text").asString()).isEqualTo("&lt;b&gt;Tom &amp; \"Jerry\"&lt;/b&gt;");
        assertThat(slack.get("blocks").get(1).get("image_url").asString())
            .isEqualTo("https://shop.example/track?order=7&lang=en");
    }

    @Test
    void rendersVariablesOfTheContext() {
        assertThat(render("""
            {"subject": "Hello {{customer.first_name}}, you owe {{invoice.amount}}"}""")).isEqualTo(json("""
            {"subject": "Hello Ada, you owe 4200"}"""));
    }

    @Test
    void aVersionSavedBeforeUnclosedTagsWereRefusedStillSendsItsTextAsTyped() {
        assertThat(render("""
            {"subject": "Hi {{customer.first_name}}, see {{the notes"}""")).isEqualTo(json("""
            {"subject": "Hi Ada, see {{the notes"}"""));
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

    /**
     * An html param escapes every value, however its tag is written: a version saved before the save refused
     * {{ & name }} (or {{{name}}}) would place a buyer's text into the seller's email as HTML.
     */
    @ParameterizedTest
    @ValueSource(strings = {"{{{event.comment}}}", "{{& event.comment}}", "{{ & event.comment }}",
            "{{ {event.comment} }}"})
    void escapesAnHtmlParamsValuesWhateverTheirTagSays(String tag) {
        var params = JsonNodeFactory.instance.objectNode().put("html", "<p>" + tag + "</p>");

        assertThat(Templates.render(params, CONTEXT).get("html").asString())
            .isEqualTo("<p>&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;</p>");
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

    private static JsonNode renderText(String template) {
        var params = JsonNodeFactory.instance.objectNode().put("text", template);
        return Templates.render(params, CONTEXT).get("text");
    }

    @ParameterizedTest
    @ValueSource(strings = {"customer.first_name.bytes", "customer.first_name.class", "customer.first_name.length",
            "customer.first_name.empty", "customer.tags.size", "customer.tags.empty", "customer.tags.iterator",
            "customer.metadata.entrySet", "invoice.amount.MAX_VALUE", "invoice.amount.class", "customer.consent.TRUE"})
    void neverCallsAMethodOrReadsAFieldOfAValue(String variable) {
        assertThatThrownBy(() -> renderText("{{" + variable + "}}")).isInstanceOf(Templates.RenderException.class)
            .hasMessage("params.text: the context has no " + variable + " (line 1)");
    }

    @Test
    void readsMapKeysAndListIndicesOnly() {
        assertThat(
            renderText("{{customer.metadata.plan}} {{customer.tags.1}} {{#customer.tags}}{{.}},{{/customer.tags}}")
                .asString())
            .isEqualTo("gold new vip,new,");
    }

    /** A probe's {{customer}} rendered as {id=cus_…, name=…} in an email; a version saved before is refused now. */
    @ParameterizedTest
    @ValueSource(strings = {"{{customer}}", "{{customer.metadata}}", "{{event}}"})
    void refusesToPrintARecordAsJavaWouldWriteIt(String template) {
        assertThatThrownBy(() -> renderText(template)).isInstanceOf(Templates.RenderException.class)
            .hasMessageContaining("cannot be printed")
            .hasMessageNotContaining("gold");
    }

    @Test
    void printsAListOfValuesAsAReaderWritesIt() {
        assertThat(renderText("Tags: {{customer.tags}}").asString()).isEqualTo("Tags: vip, new");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{.}}", "{{ . }}", "{{{.}}}", "{{&.}}",
            "{{^event.nothing}}{{.}}{{/event.nothing}}",
            "{{#customer.consent}}{{.}}{{/customer.consent}}"})
    void refusesToPrintTheWholeContext(String template) {
        assertThatThrownBy(() -> renderText(template)).isInstanceOf(Templates.RenderException.class)
            .hasMessageStartingWith("params.text: ")
            .hasMessageContaining("the whole context")
            .hasMessageNotContaining("Ada");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-first", "-last", "-index", "this", "customer.this", "customer..first_name"})
    void refusesNamesThatAreNotPathsIntoTheContext(String name) {
        assertThatThrownBy(() -> renderText("{{#customer.tags}}{{" + name + "}}{{/customer.tags}}"))
            .isInstanceOf(Templates.RenderException.class)
            .hasMessage("params.text: {{" + name + "}} is not a variable of this trigger");
    }

    @Test
    void aSectionOverAStringShowsItsContentWithoutReadingTheString() {
        assertThat(renderText("{{#customer.first_name}}Dear {{customer.first_name}}{{/customer.first_name}}")
            .asString()).isEqualTo("Dear Ada");
        assertThatThrownBy(() -> renderText("{{#customer.first_name}}{{length}}{{/customer.first_name}}"))
            .isInstanceOf(Templates.RenderException.class)
            .hasMessage("params.text: the context has no length (line 1)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{> footer}}", "{{>/etc/passwd}}", "{{<layout}}{{/layout}}", "{{$title}}x{{/title}}"})
    void includesNoOtherTemplate(String template) {
        assertThatThrownBy(() -> renderText(template)).isInstanceOf(Templates.RenderException.class)
            .hasMessageEndingWith("a template cannot include another template or define blocks");
    }

    @Test
    void keepsItsDelimiters() {
        assertThatThrownBy(() -> renderText("{{=<% %>=}}<% customer.first_name.bytes %>"))
            .isInstanceOf(Templates.RenderException.class)
            .hasMessage("params.text: {{=…=}}: a template cannot change its delimiters");
    }

    @Test
    void namesTheDataPathsATemplateReads() {
        var read = Templates.read("Hi {{customer.first_name}} {{#customer.tags}}{{.}}{{/customer.tags}}"
            + "{{^invoice.paid}}{{{invoice.amount}}}{{/invoice.paid}}{{! a comment }}");

        assertThat(read.refusals()).isEmpty();
        assertThat(read.paths()).containsExactly("customer.first_name", "customer.tags", "invoice.paid",
            "invoice.amount");
    }

    @Test
    void refusesATemplateThatDoesNotParse() {
        assertThat(Templates.read("{{#customer.tags}} never closed").refusals())
            .containsExactly("the template does not parse: Section missing close tag 'customer.tags' @ line 1");
    }

    @Test
    void aNullItemOfAListFailsTheTemplateWithItsVariable() {
        var context = json("""
            {"event": {"items": [null, "a"], "x": "X"}}""");
        var params = json("""
            {"text": "{{#event.items}}[{{.}}{{event.x}}]{{/event.items}}"}""");

        assertThatThrownBy(() -> Templates.render(params, context)).isInstanceOf(Templates.RenderException.class)
            .hasMessage("params.text: event.x cannot be read inside a null list item (line 1)");
    }

    /** jmustache runs a Mustache.Lambda it finds in the context: the context it is given holds JSON values only. */
    @Test
    void givesTheTemplateOnlyJsonValuesSoNoLambdaCanRun() {
        var values = new ArrayList<Object>();
        var pending = new ArrayDeque<Object>(List.of(Templates.toJava(CONTEXT)));
        while (!pending.isEmpty()) {
            Object value = pending.pop();
            values.add(value);
            if (value instanceof Map<?, ?> map) {
                map.values().stream().filter(Objects::nonNull).forEach(pending::push);
            } else if (value instanceof List<?> list) {
                list.stream().filter(Objects::nonNull).forEach(pending::push);
            }
        }

        assertThat(values).hasSizeGreaterThan(10).allSatisfy(value -> assertThat(value).isInstanceOfAny(
            Map.class, List.class, String.class, Long.class, Boolean.class));
    }
}
