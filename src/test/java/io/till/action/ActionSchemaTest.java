package io.till.action;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.action.ActionSchema.Param;
import io.till.action.ActionSchema.Type;
import io.till.shared.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ActionSchemaTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final ActionSchema SCHEMA = ActionSchema.of("ticket", "opens a ticket",
        Param.required("title", Type.STRING, "the title"), Param.optional("count", Type.INTEGER, "how many"),
        Param.optional("urgent", Type.BOOLEAN, "whether it is urgent"),
        Param.optional("level", Type.STRING, "how bad").allowing("low", "high"),
        Param.optional("meta", Type.OBJECT, "extra data"), Param.optional("labels", Type.STRING_LIST, "labels"));

    private static final ActionSchema OPEN = new ActionSchema("send_email", "mail", List.of(Param.required("to",
        Type.STRING, "the address")), true);

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    private static List<FieldError> saved(ActionSchema schema, String params) {
        return schema.checkSaved(params == null ? null : json(params), "steps[0].params");
    }

    // As saved

    @Test
    void acceptsValidParams() {
        assertThat(saved(SCHEMA, """
            {"title": "Call back", "count": 2, "urgent": false, "level": "high", "meta": {"a": 1},
             "labels": ["x", "y"]}""")).isEmpty();
    }

    @Test
    void skipsTemplatedValuesUntilTheyAreRendered() {
        assertThat(saved(SCHEMA, """
            {"title": "{{customer.name}}", "count": "{{invoice.count}}", "urgent": "{{event.urgent}}",
             "level": "{{event.level}}"}""")).isEmpty();
    }

    @Test
    void flagsUnknownParams() {
        assertThat(saved(SCHEMA, """
            {"title": "x", "colour": "red"}""")).containsExactly(new FieldError("steps[0].params.colour",
            "unknown_param", "ticket takes only [count, labels, level, meta, title, urgent]"));
    }

    @Test
    void flagsAnyParamOfAnActionThatTakesNone() {
        assertThat(ActionSchema.of("ping", "pings").checkSaved(json("""
            {"x": 1}"""), "p")).containsExactly(new FieldError("p.x", "unknown_param", "ping takes no params"));
    }

    @Test
    void acceptsUnknownParamsOfAnOpenSchema() {
        assertThat(saved(OPEN, """
            {"to": "a@b.c", "subject": "Hi", "anything": [1, 2]}""")).isEmpty();
    }

    @Test
    void requiresRequiredParams() {
        var missing = new FieldError("steps[0].params.title", "required", "is required: the title");

        assertThat(saved(SCHEMA, null)).containsExactly(missing);
        assertThat(saved(SCHEMA, "{}")).containsExactly(missing);
        assertThat(saved(SCHEMA, """
            {"title": null}""")).containsExactly(missing);
        assertThat(saved(OPEN, "{}")).extracting(FieldError::code).containsExactly("required");
    }

    @Test
    void acceptsOnlyTheAllowedValues() {
        assertThat(saved(SCHEMA, """
            {"title": "x", "level": "medium"}""")).containsExactly(new FieldError("steps[0].params.level",
            "invalid_value", "must be one of [low, high]"));
    }

    @Test
    void checksTheAllowedValuesOfEveryItemOfAList() {
        var schema = ActionSchema.of("label", "labels", Param.optional("labels", Type.STRING_LIST, "labels")
            .allowing("red", "green"));

        assertThat(schema.checkSaved(json("""
            {"labels": ["red", "green"]}"""), "p")).isEmpty();
        assertThat(schema.checkSaved(json("""
            {"labels": "red"}"""), "p")).isEmpty();
        assertThat(schema.checkSaved(json("""
            {"labels": ["red", "blue"]}"""), "p")).containsExactly(new FieldError("p.labels", "invalid_value",
            "must be one of [red, green]"));
    }

    @Test
    void flagsValuesOfTheWrongType() {
        assertThat(saved(SCHEMA, """
            {"title": {"a": 1}, "count": "many", "urgent": "yes", "meta": "x", "labels": [1]}"""))
            .extracting(FieldError::field, FieldError::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("steps[0].params.title", "must be a string"),
                org.assertj.core.groups.Tuple.tuple("steps[0].params.count", "must be an integer"),
                org.assertj.core.groups.Tuple.tuple("steps[0].params.urgent", "must be true or false"),
                org.assertj.core.groups.Tuple.tuple("steps[0].params.meta", "must be an object"),
                org.assertj.core.groups.Tuple.tuple("steps[0].params.labels", "must be a string or a list of strings"));
    }

    @Test
    void flagsADecimalGivenForAnInteger() {
        assertThat(saved(SCHEMA, """
            {"title": "x", "count": 4.5}""")).extracting(FieldError::code).containsExactly("invalid_type");
    }

    @Test
    void flagsParamsThatAreNotAnObject() {
        assertThat(SCHEMA.checkSaved(json("[1]"), "p")).containsExactly(new FieldError("p", "invalid_type",
            "must be an object"));
    }

    // As rendered

    @Test
    void coercesRenderedTextIntoIntegersAndBooleans() {
        var checked = SCHEMA.checkRendered(json("""
            {"title": "x", "count": "42", "urgent": "true"}"""));

        assertThat(checked.errors()).isEmpty();
        assertThat(checked.params().get("title").asString()).isEqualTo("x");
        assertThat(checked.params().get("count").isIntegralNumber()).isTrue();
        assertThat(checked.params().get("count").longValue()).isEqualTo(42);
        assertThat(checked.params().get("urgent").isBoolean()).isTrue();
        assertThat(checked.params().get("urgent").booleanValue()).isTrue();
    }

    @Test
    void coercesRenderedTextWithSurroundingSpaces() {
        var params = SCHEMA.checkRendered(json("""
            {"title": "x", "count": " -7 ", "urgent": " false"}""")).params();

        assertThat(params.get("count").longValue()).isEqualTo(-7);
        assertThat(params.get("urgent").isBoolean()).isTrue();
        assertThat(params.get("urgent").booleanValue()).isFalse();
    }

    @Test
    void turnsNumbersAndBooleansIntoTextForStrings() {
        assertThat(SCHEMA.checkRendered(json("""
            {"title": 12, "level": "low"}""")).params()).isEqualTo(json("""
            {"title": "12", "level": "low"}"""));
    }

    @Test
    void turnsOneStringIntoAListOfOne() {
        assertThat(SCHEMA.checkRendered(json("""
            {"title": "x", "labels": "vip"}""")).params()).isEqualTo(json("""
            {"title": "x", "labels": ["vip"]}"""));
    }

    @Test
    void refusesRenderedTextThatIsNotANumber() {
        assertThat(SCHEMA.checkRendered(json("""
            {"title": "x", "count": "4.2", "urgent": "TRUE"}""")).errors()).extracting(FieldError::field)
            .containsExactly("params.count", "params.urgent");
    }

    @Test
    void treatsABlankRenderedRequiredParamAsMissing() {
        var checked = SCHEMA.checkRendered(json("""
            {"title": "  "}"""));

        assertThat(checked.errors()).containsExactly(new FieldError("params.title", "required",
            "is required: the title"));
    }

    @Test
    void leavesOutNullOptionalParams() {
        assertThat(SCHEMA.checkRendered(json("""
            {"title": "x", "count": null}""")).params()).isEqualTo(json("""
            {"title": "x"}"""));
    }

    @Test
    void keepsTheUnknownParamsOfAnOpenSchema() {
        var checked = OPEN.checkRendered(json("""
            {"to": "a@b.c", "subject": "Hi", "n": 1}"""));

        assertThat(checked.errors()).isEmpty();
        assertThat(checked.params()).isEqualTo(json("""
            {"to": "a@b.c", "subject": "Hi", "n": 1}"""));
    }

    @Test
    void checksTemplatedValuesOnceRendered() {
        assertThat(SCHEMA.checkRendered(json("""
            {"title": "{{x}}", "level": "{{y}}"}""")).errors()).extracting(FieldError::code).containsExactly(
            "invalid_value");
    }
}
