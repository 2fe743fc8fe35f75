package io.till.automation;

import io.till.automation.engine.Conditions;
import io.till.automation.engine.Paths;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Why a condition does not hold, in words with the actual values ("event.data.invoice.attempt_count is 1, but it is
 * 2"), for a dry run that was skipped. Pure; decided by {@link Conditions#test}, the matcher's own evaluation.
 */
final class ConditionReasons {

    private ConditionReasons() {}

    /** The parts of {@code condition} that fail on {@code context}, each as a sentence; empty when it holds. */
    static List<String> unmet(Definition.Condition condition, JsonNode context) {
        var reasons = new ArrayList<String>();
        collect(condition, context, reasons);
        return reasons;
    }

    private static void collect(Definition.Condition condition, JsonNode context, List<String> reasons) {
        if (condition == null || Conditions.test(condition, context)) {
            return;
        }
        switch (condition) {
            case Definition.Condition.All all -> all.conditions().forEach(c -> collect(c, context, reasons));
            case Definition.Condition.Any any -> {
                var each = new ArrayList<String>();
                any.conditions().forEach(c -> collect(c, context, each));
                reasons.add(each.size() == 1 ? each.getFirst() : "none of these holds: " + String.join("; ", each));
            }
            case Definition.Condition.Not not -> reasons.add("wanted " + StepFlow.sentence(not) + ", but "
                + StepFlow.sentence(not.condition()) + " holds");
            case Definition.Condition.Compare compare -> reasons.add("wanted " + StepFlow.sentence(compare) + ", but "
                + compare.field() + " is " + actual(Paths.get(context, compare.field())));
        }
    }

    private static String actual(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "absent";
        }
        String text = value.isString() ? "“" + value.asString() + "”" : value.toString();
        return text.length() > 120 ? text.substring(0, 120) + "…" : text;
    }
}
