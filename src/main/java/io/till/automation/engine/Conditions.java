package io.till.automation.engine;

import io.till.automation.Definition.Condition;
import io.till.automation.Definition.Operator;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Evaluates a condition tree against the context. A field that is missing is null: it equals nothing but null, exists
 * not, and compares as neither greater nor smaller than anything, so a typo'd path makes a condition false rather
 * than throwing in the middle of a run.
 */
public final class Conditions {

    private Conditions() {}

    public static boolean test(Condition condition, JsonNode context) {
        return switch (condition) {
            case Condition.All all -> all.conditions().stream().allMatch(c -> test(c, context));
            case Condition.Any any -> any.conditions().stream().anyMatch(c -> test(c, context));
            case Condition.Not not -> !test(not.condition(), context);
            case Condition.Compare compare -> compare(Paths.get(context, compare.field()), compare.op(),
                compare.value());
        };
    }

    static boolean compare(JsonNode actual, Operator op, JsonNode expected) {
        boolean present = actual != null && !actual.isNull() && !actual.isMissingNode();
        return switch (op) {
            case EXISTS -> present;
            case NOT_EXISTS -> !present;
            case EQ -> same(actual, expected);
            case NE -> !same(actual, expected);
            case GT -> order(actual, expected) > 0;
            case GTE -> order(actual, expected) >= 0 && order(actual, expected) != NOT_COMPARABLE;
            case LT -> order(actual, expected) < 0 && order(actual, expected) != NOT_COMPARABLE;
            case LTE -> order(actual, expected) <= 0 && order(actual, expected) != NOT_COMPARABLE;
            case CONTAINS -> contains(actual, expected);
            case NOT_CONTAINS -> !contains(actual, expected);
            case STARTS_WITH -> present && actual.isValueNode() && expected != null && !expected.isNull()
                && expected.isValueNode() && actual.asString().startsWith(expected.asString());
            case IN -> in(actual, expected);
            case NOT_IN -> !in(actual, expected);
        };
    }

    private static final int NOT_COMPARABLE = Integer.MIN_VALUE;

    static boolean same(JsonNode a, JsonNode b) {
        boolean aNull = a == null || a.isNull() || a.isMissingNode();
        boolean bNull = b == null || b.isNull() || b.isMissingNode();
        if (aNull || bNull) {
            return aNull && bNull;
        }
        // The same value whatever its JSON spelling: 100, 100.0 and "100" are equal, as are one instant's ISO forms,
        // so that eq agrees with gte and lte. Digits with a leading zero ("01234", "007") are a code (a postcode, a
        // SKU), not a number: equal only to the same text.
        if (isCode(a) || isCode(b)) {
            return a.isString() && b.isString() && a.asString().equals(b.asString());
        }
        BigDecimal x = a.isValueNode() ? number(a) : null;
        BigDecimal y = b.isValueNode() ? number(b) : null;
        if (x != null && y != null) {
            return x.compareTo(y) == 0;
        }
        // A boolean and the text it is written as ("true"): a customer's metadata keeps every value as text, and a
        // value typed in the builder as true is a boolean.
        if (a.isBoolean() && b.isString() || a.isString() && b.isBoolean()) {
            return Boolean.toString((a.isBoolean() ? a : b).asBoolean()).equals((a.isString() ? a : b).asString());
        }
        if (a.isString() && b.isString()) {
            // A day alone as gte and lte read it (the start of that day in UTC), so that eq and in agree with them.
            Instant s = instantOf(a.asString());
            Instant t = instantOf(b.asString());
            if (s != null && t != null) {
                return s.equals(t);
            }
        }
        return a.equals(b);
    }

    /** Numbers by value, times and days (ISO-8601) by instant ({@link #instantOf}), other text by its characters; anything else not at all. */
    private static int order(JsonNode a, JsonNode b) {
        if (a == null || b == null || a.isNull() || b.isNull()) {
            return NOT_COMPARABLE;
        }
        if (isCode(a) || isCode(b)) {
            // A code (a postcode, a SKU) is text, as eq reads it: ordered by its characters against text only.
            return a.isString() && b.isString()
                ? Integer.signum(a.asString().compareTo(b.asString()))
                : NOT_COMPARABLE;
        }
        BigDecimal x = number(a);
        BigDecimal y = number(b);
        if (x != null && y != null) {
            return x.compareTo(y);
        }
        if (a.isString() && b.isString()) {
            Instant s = instantOf(a.asString());
            Instant t = instantOf(b.asString());
            if (s != null && t != null) {
                return s.compareTo(t);
            }
            return Integer.signum(a.asString().compareTo(b.asString()));
        }
        return NOT_COMPARABLE;
    }

    private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("-?0[0-9].*");

    /** Text of digits that begins with a zero before another digit: an identifier, which no number spells. */
    private static boolean isCode(JsonNode node) {
        return node.isString() && CODE.matcher(node.asString()).matches() && number(node) != null;
    }

    private static BigDecimal number(JsonNode node) {
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isString() && node.asString().matches("-?[0-9]+(\\.[0-9]+)?")) {
            return new BigDecimal(node.asString());
        }
        return null;
    }

    /**
     * The time an ISO-8601 text names, as an order comparison reads it: an instant, or a day alone (2026-07-01) as the
     * start of that day in UTC; null when it names neither.
     */
    public static Instant instantOf(String text) {
        if (text.length() == 10 && text.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            try {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return instant(text);
    }

    static Instant instant(String text) {
        if (text.length() < 10 || !Character.isDigit(text.charAt(0))) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean contains(JsonNode actual, JsonNode expected) {
        if (actual == null || expected == null || (expected.isNull() && !actual.isArray())) {
            return false;
        }
        if (actual.isArray()) {
            for (JsonNode item : actual) {
                if (same(item, expected)) {
                    return true;
                }
            }
            return false;
        }
        if (actual.isString()) {
            return expected.isValueNode() && actual.asString().contains(expected.asString());
        }
        if (actual.isObject() && expected.isString()) {
            return actual.has(expected.asString());
        }
        return false;
    }

    private static boolean in(JsonNode actual, JsonNode expected) {
        if (expected == null || !expected.isArray()) {
            return false;
        }
        for (JsonNode item : expected) {
            if (same(actual, item)) {
                return true;
            }
        }
        return false;
    }

    /** Adds the context roots the condition reads. */
    static void roots(Condition condition, Set<String> roots) {
        switch (condition) {
            case Condition.All all -> all.conditions().forEach(c -> roots(c, roots));
            case Condition.Any any -> any.conditions().forEach(c -> roots(c, roots));
            case Condition.Not not -> roots(not.condition(), roots);
            case Condition.Compare compare -> roots.add(Paths.root(compare.field()));
        }
    }
}
