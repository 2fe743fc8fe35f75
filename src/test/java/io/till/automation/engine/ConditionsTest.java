package io.till.automation.engine;

import static io.till.automation.engine.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.till.automation.Definition.Condition;
import io.till.automation.Definition.Condition.All;
import io.till.automation.Definition.Condition.Any;
import io.till.automation.Definition.Condition.Compare;
import io.till.automation.Definition.Condition.Not;
import io.till.automation.Definition.Operator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ConditionsTest {

    private static final JsonNode CONTEXT = json(
        """
            {"invoice": {"amount": 100, "total": 100.0, "text_amount": "100", "status": "open", "paid": false,
                         "due_at": "2026-11-21T10:00:00Z", "sent_at": "2026-11-21T23:30:00-05:00", "lines": [{"sku": "pro"}], "note": null},
             "customer": {"email": "ada@example.com", "tags": ["vip", "new"], "scores": [1, 2.5],
                          "metadata": {"plan": "pro"}}}
            """);

    private static Compare compare(String field, Operator op, String value) {
        return new Compare(field, op, value == null ? null : json(value));
    }

    private static boolean holds(String field, Operator op, String value) {
        return Conditions.test(compare(field, op, value), CONTEXT);
    }

    private static final Compare TRUE = compare("invoice.status", Operator.EQ, "\"open\"");
    private static final Compare FALSE = compare("invoice.status", Operator.EQ, "\"paid\"");

    // eq and ne

    @Test
    void eqComparesTextExactly() {
        assertThat(holds("invoice.status", Operator.EQ, "\"open\"")).isTrue();
        assertThat(holds("invoice.status", Operator.EQ, "\"Open\"")).isFalse();
    }

    @Test
    void eqComparesNumbersByValue() {
        assertThat(holds("invoice.amount", Operator.EQ, "100.0")).isTrue();
        assertThat(holds("invoice.total", Operator.EQ, "100")).isTrue();
        assertThat(holds("invoice.amount", Operator.EQ, "100.5")).isFalse();
    }

    /** A postcode, a SKU or a phone's digits are codes, not amounts: leading zeros make another code. */
    @Test
    void eqReadsDigitsWithLeadingZerosAsACodeNotANumber() {
        var context = json("""
            {"event": {"data": {"zip": "01234", "sku": "007", "amount": "0.50", "codes": ["007", "42"]}}}""");

        assertThat(Conditions.test(new Compare("event.data.zip", Operator.EQ, json("\"1234\"")), context)).isFalse();
        assertThat(Conditions.test(new Compare("event.data.zip", Operator.EQ, json("1234")), context)).isFalse();
        assertThat(Conditions.test(new Compare("event.data.zip", Operator.EQ, json("\"01234\"")), context)).isTrue();
        assertThat(Conditions.test(new Compare("event.data.sku", Operator.IN, json("[7, \"8\"]")), context)).isFalse();
        assertThat(Conditions.test(new Compare("event.data.codes", Operator.CONTAINS, json("7")), context)).isFalse();
        assertThat(Conditions.test(new Compare("event.data.codes", Operator.CONTAINS, json("42")), context)).isTrue();
        assertThat(Conditions.test(new Compare("event.data.amount", Operator.EQ, json("0.5")), context))
            .as("a zero before the point is a number's").isTrue();
    }

    /**
     * A reviewer's: a customer's metadata keeps a boolean as its text ("true"), and the builder turns a typed true into
     * a boolean, so "metadata.vip is true" never held and "is not true" always did.
     */
    @Test
    void eqReadsABooleanAndItsTextAsTheSame() {
        var context = json("""
            {"customer": {"metadata": {"vip": "true", "trial": "false", "note": "True"}}}""");

        assertThat(Conditions.test(new Compare("customer.metadata.vip", Operator.EQ, json("true")), context)).isTrue();
        assertThat(Conditions.test(new Compare("customer.metadata.vip", Operator.NE, json("true")), context))
            .isFalse();
        assertThat(Conditions.test(new Compare("customer.metadata.trial", Operator.EQ, json("false")), context))
            .isTrue();
        assertThat(Conditions.test(new Compare("customer.metadata.vip", Operator.IN, json("[true]")), context))
            .isTrue();
        assertThat(Conditions.test(new Compare("customer.metadata.note", Operator.EQ, json("true")), context))
            .as("only the text a boolean is written as").isFalse();
    }

    /** A reviewer's: a postcode was a code to eq and in, yet a number to gt and lte ("01234" >= 1234). */
    @Test
    void aCodeIsOrderedAsTextNotAsANumber() {
        var context = json("""
            {"event": {"data": {"zip": "01234"}}}""");

        assertThat(Conditions.test(new Compare("event.data.zip", Operator.GTE, json("1234")), context)).isFalse();
        assertThat(Conditions.test(new Compare("event.data.zip", Operator.LTE, json("1234")), context)).isFalse();
        assertThat(Conditions.test(new Compare("event.data.zip", Operator.GT, json("999")), context)).isFalse();
        assertThat(Conditions.test(new Compare("event.data.zip", Operator.LT, json("\"02000\"")), context))
            .as("two codes, by their characters").isTrue();
    }

    @Test
    void eqComparesBooleans() {
        assertThat(holds("invoice.paid", Operator.EQ, "false")).isTrue();
        assertThat(holds("invoice.paid", Operator.EQ, "true")).isFalse();
    }

    @Test
    void eqComparesListsAndObjectsWhole() {
        assertThat(holds("customer.tags", Operator.EQ, "[\"vip\", \"new\"]")).isTrue();
        assertThat(holds("customer.metadata", Operator.EQ, "{\"plan\": \"pro\"}")).isTrue();
    }

    @Test
    void aMissingFieldEqualsOnlyNull() {
        assertThat(holds("invoice.nope", Operator.EQ, "null")).isTrue();
        assertThat(holds("invoice.note", Operator.EQ, "null")).isTrue();
        assertThat(holds("invoice.nope", Operator.EQ, "\"open\"")).isFalse();
        assertThat(holds("invoice.nope", Operator.EQ, "0")).isFalse();
    }

    @Test
    void neIsTheOppositeOfEq() {
        assertThat(holds("invoice.status", Operator.NE, "\"paid\"")).isTrue();
        assertThat(holds("invoice.status", Operator.NE, "\"open\"")).isFalse();
        assertThat(holds("invoice.amount", Operator.NE, "100.0")).isFalse();
        assertThat(holds("invoice.nope", Operator.NE, "\"open\"")).isTrue();
    }

    // Ordering

    @Test
    void ordersNumbersByValue() {
        assertThat(holds("invoice.amount", Operator.GT, "99.99")).isTrue();
        assertThat(holds("invoice.amount", Operator.GT, "100.0")).isFalse();
        assertThat(holds("invoice.amount", Operator.GTE, "100.0")).isTrue();
        assertThat(holds("invoice.amount", Operator.GTE, "101")).isFalse();
        assertThat(holds("invoice.amount", Operator.LT, "1000")).isTrue();
        assertThat(holds("invoice.amount", Operator.LT, "100")).isFalse();
        assertThat(holds("invoice.amount", Operator.LTE, "100")).isTrue();
        assertThat(holds("invoice.amount", Operator.LTE, "99")).isFalse();
    }

    @Test
    void ordersNumbersWrittenAsTextByValue() {
        assertThat(holds("invoice.text_amount", Operator.GT, "99")).isTrue();
        assertThat(holds("invoice.text_amount", Operator.LT, "\"2000\"")).isTrue();
    }

    @Test
    void ordersIsoTimesAsInstants() {
        assertThat(holds("invoice.due_at", Operator.LT, "\"2026-11-21T11:00:01+01:00\"")).isTrue();
        assertThat(holds("invoice.due_at", Operator.GT, "\"2026-11-21T10:59:59+01:00\"")).isTrue();
        assertThat(holds("invoice.due_at", Operator.GTE, "\"2026-11-21T11:00:00+01:00\"")).isTrue();
        assertThat(holds("invoice.due_at", Operator.LTE, "\"2026-11-21T11:00:00+01:00\"")).isTrue();
        assertThat(holds("invoice.due_at", Operator.GT, "\"2026-11-21T11:00:00+01:00\"")).isFalse();
    }

    /** A day written alone (2026-11-22) is the start of that day in UTC, whatever offset the time it meets has. */
    @Test
    void ordersATimeAgainstADayAsTheStartOfThatDayInUtc() {
        assertThat(holds("invoice.due_at", Operator.GT, "\"2026-11-21\"")).isTrue();
        assertThat(holds("invoice.due_at", Operator.LT, "\"2026-11-22\"")).isTrue();
        assertThat(holds("invoice.due_at", Operator.GTE, "\"2026-11-22\"")).isFalse();
        assertThat(holds("invoice.sent_at", Operator.GTE, "\"2026-11-22\"")).as("04:30 UTC on the 22nd").isTrue();
        assertThat(holds("invoice.sent_at", Operator.LT, "\"2026-11-22\"")).isFalse();
    }

    /** eq and in read a day alone as gte and lte do: the start of that day in UTC is that day. */
    @Test
    void aDayAloneEqualsTheStartOfThatDayInUtc() {
        assertThat(holds("invoice.sent_at", Operator.EQ, "\"2026-11-22T04:30:00Z\"")).isTrue();
        var midnight = json("""
            {"renew_on": "2026-07-01", "at": "2026-07-01T00:00:00Z"}""");
        assertThat(Conditions.test(new Compare("renew_on", Operator.EQ, json("\"2026-07-01T00:00:00Z\"")),
            midnight)).isTrue();
        assertThat(Conditions.test(new Compare("at", Operator.IN, json("[\"2026-07-01\"]")), midnight)).isTrue();
        assertThat(Conditions.test(new Compare("at", Operator.EQ, json("\"2026-07-02\"")), midnight)).isFalse();
    }

    @Test
    void ordersOtherTextByItsCharacters() {
        assertThat(holds("invoice.status", Operator.GT, "\"apple\"")).isTrue();
        assertThat(holds("invoice.status", Operator.LT, "\"zebra\"")).isTrue();
        assertThat(holds("invoice.status", Operator.GTE, "\"open\"")).isTrue();
    }

    @Test
    void aMissingFieldIsNeitherGreaterNorSmallerThanAnything() {
        for (Operator op : List.of(Operator.GT, Operator.GTE, Operator.LT, Operator.LTE)) {
            assertThat(holds("invoice.nope", op, "0")).as(op.name()).isFalse();
            assertThat(holds("invoice.note", op, "0")).as(op.name()).isFalse();
        }
    }

    @Test
    void valuesOfDifferentKindsAreNotOrdered() {
        for (Operator op : List.of(Operator.GT, Operator.GTE, Operator.LT, Operator.LTE)) {
            assertThat(holds("invoice.paid", op, "0")).as(op.name()).isFalse();
            assertThat(holds("invoice.status", op, "5")).as(op.name()).isFalse();
            assertThat(holds("customer.tags", op, "5")).as(op.name()).isFalse();
        }
    }

    // contains, not_contains, starts_with

    @Test
    void containsFindsAnItemOfAList() {
        assertThat(holds("customer.tags", Operator.CONTAINS, "\"vip\"")).isTrue();
        assertThat(holds("customer.tags", Operator.CONTAINS, "\"vi\"")).isFalse();
        assertThat(holds("customer.scores", Operator.CONTAINS, "2.50")).isTrue();
        assertThat(holds("invoice.lines", Operator.CONTAINS, "{\"sku\": \"pro\"}")).isTrue();
    }

    @Test
    void containsFindsTextInText() {
        assertThat(holds("customer.email", Operator.CONTAINS, "\"@example\"")).isTrue();
        assertThat(holds("customer.email", Operator.CONTAINS, "\"@gmail\"")).isFalse();
    }

    @Test
    void containsFindsAKeyOfAnObject() {
        assertThat(holds("customer.metadata", Operator.CONTAINS, "\"plan\"")).isTrue();
        assertThat(holds("customer.metadata", Operator.CONTAINS, "\"pro\"")).isFalse();
    }

    @Test
    void nothingContainsAnythingInAMissingField() {
        assertThat(holds("customer.nope", Operator.CONTAINS, "\"x\"")).isFalse();
        assertThat(holds("invoice.amount", Operator.CONTAINS, "1")).isFalse();
    }

    @Test
    void textDoesNotContainAListOrAnObjectAndDoesNotThrow() {
        assertThat(holds("customer.email", Operator.CONTAINS, "[\"@\"]")).isFalse();
        assertThat(holds("customer.email", Operator.CONTAINS, "{\"a\": 1}")).isFalse();
        assertThat(holds("customer.email", Operator.NOT_CONTAINS, "[\"@\"]")).isTrue();
    }

    @Test
    void notContainsIsTheOppositeOfContains() {
        assertThat(holds("customer.tags", Operator.NOT_CONTAINS, "\"churned\"")).isTrue();
        assertThat(holds("customer.tags", Operator.NOT_CONTAINS, "\"vip\"")).isFalse();
        assertThat(holds("customer.email", Operator.NOT_CONTAINS, "\"@example\"")).isFalse();
        assertThat(holds("customer.nope", Operator.NOT_CONTAINS, "\"x\"")).isTrue();
    }

    @Test
    void startsWithComparesTheBeginningOfText() {
        assertThat(holds("customer.email", Operator.STARTS_WITH, "\"ada@\"")).isTrue();
        assertThat(holds("customer.email", Operator.STARTS_WITH, "\"bob@\"")).isFalse();
        assertThat(holds("invoice.amount", Operator.STARTS_WITH, "\"10\"")).isTrue();
        assertThat(holds("customer.nope", Operator.STARTS_WITH, "\"a\"")).isFalse();
        assertThat(holds("customer.tags", Operator.STARTS_WITH, "\"vip\"")).isFalse();
    }

    @Test
    void textDoesNotStartWithAListAndDoesNotThrow() {
        assertThat(holds("customer.email", Operator.STARTS_WITH, "[\"ada\"]")).isFalse();
    }

    // in, not_in

    @Test
    void inLooksForTheValueInTheList() {
        assertThat(holds("invoice.status", Operator.IN, "[\"draft\", \"open\"]")).isTrue();
        assertThat(holds("invoice.status", Operator.IN, "[\"draft\", \"paid\"]")).isFalse();
        assertThat(holds("invoice.amount", Operator.IN, "[50, 100.0]")).isTrue();
        assertThat(holds("invoice.nope", Operator.IN, "[\"open\"]")).isFalse();
        assertThat(holds("invoice.nope", Operator.IN, "[\"open\", null]")).isTrue();
    }

    @Test
    void inIsFalseWhenTheValueIsNotAList() {
        assertThat(holds("invoice.status", Operator.IN, "\"open\"")).isFalse();
    }

    @Test
    void notInIsTheOppositeOfIn() {
        assertThat(holds("invoice.status", Operator.NOT_IN, "[\"draft\", \"paid\"]")).isTrue();
        assertThat(holds("invoice.status", Operator.NOT_IN, "[\"open\"]")).isFalse();
        assertThat(holds("invoice.nope", Operator.NOT_IN, "[\"open\"]")).isTrue();
    }

    // exists, not_exists

    @Test
    void existsTellsWhetherTheFieldHasAValue() {
        assertThat(holds("customer.email", Operator.EXISTS, null)).isTrue();
        assertThat(holds("invoice.paid", Operator.EXISTS, null)).isTrue();
        assertThat(holds("invoice.note", Operator.EXISTS, null)).isFalse();
        assertThat(holds("invoice.nope", Operator.EXISTS, null)).isFalse();
        assertThat(holds("nothing.at.all", Operator.EXISTS, null)).isFalse();
    }

    @Test
    void notExistsIsTheOppositeOfExists() {
        assertThat(holds("customer.email", Operator.NOT_EXISTS, null)).isFalse();
        assertThat(holds("invoice.note", Operator.NOT_EXISTS, null)).isTrue();
        assertThat(holds("invoice.nope", Operator.NOT_EXISTS, null)).isTrue();
    }

    @Test
    void readsFieldsInsideLists() {
        assertThat(holds("invoice.lines.0.sku", Operator.EQ, "\"pro\"")).isTrue();
        assertThat(holds("invoice.lines.1.sku", Operator.EXISTS, null)).isFalse();
    }

    // all, any, not

    @Test
    void allHoldsWhenEveryConditionHolds() {
        assertThat(Conditions.test(new All(List.of(TRUE, TRUE)), CONTEXT)).isTrue();
        assertThat(Conditions.test(new All(List.of(TRUE, FALSE)), CONTEXT)).isFalse();
    }

    @Test
    void anyHoldsWhenOneConditionHolds() {
        assertThat(Conditions.test(new Any(List.of(FALSE, TRUE)), CONTEXT)).isTrue();
        assertThat(Conditions.test(new Any(List.of(FALSE, FALSE)), CONTEXT)).isFalse();
    }

    @Test
    void notInvertsItsCondition() {
        assertThat(Conditions.test(new Not(TRUE), CONTEXT)).isFalse();
        assertThat(Conditions.test(new Not(FALSE), CONTEXT)).isTrue();
    }

    @Test
    void nestsAllAnyAndNot() {
        Condition vipOrBig = new Any(List.of(compare("customer.tags", Operator.CONTAINS, "\"vip\""), compare(
            "invoice.amount", Operator.GT, "1000")));
        Condition notPaid = new Not(compare("invoice.paid", Operator.EQ, "true"));

        assertThat(Conditions.test(new All(List.of(vipOrBig, notPaid)), CONTEXT)).isTrue();
        assertThat(Conditions.test(new All(List.of(vipOrBig, new Not(notPaid))), CONTEXT)).isFalse();
        assertThat(Conditions.test(new Not(new Any(List.of(new Not(vipOrBig), new Not(notPaid)))), CONTEXT))
            .isTrue();
    }

    @Test
    void collectsTheRootsOfTheContextItReads() {
        Set<String> roots = new TreeSet<>();
        Conditions.roots(new All(List.of(TRUE, new Not(new Any(List.of(compare("customer.email", Operator.EXISTS,
            null), compare("event.type", Operator.EQ, "\"x\"")))))), roots);

        assertThat(roots).containsExactly("customer", "event", "invoice");
    }

    @Test
    void equalsAgreesWithOrderingWhateverTheSpellingOfAValue() {
        assertThat(holds("invoice.text_amount", Operator.EQ, "100")).isTrue();
        assertThat(holds("invoice.amount", Operator.EQ, "\"100\"")).isTrue();
        assertThat(holds("invoice.due_at", Operator.EQ, "\"2026-11-21T11:00:00+01:00\"")).isTrue();
        assertThat(holds("invoice.status", Operator.NE, "\"100\"")).isTrue();
    }

    @Test
    void containsOrStartsWithNullHoldsForNoText() {
        assertThat(holds("invoice.status", Operator.CONTAINS, "null")).isFalse();
        assertThat(holds("invoice.status", Operator.STARTS_WITH, "null")).isFalse();
    }
}
