package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.action.ActionCatalogs;
import io.till.shared.FieldError;
import io.till.shared.TillException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

class DefinitionParserTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final DefinitionParser parser = new DefinitionParser(ActionCatalogs.small());

    /** The contract example of the engine issue, verbatim. */
    private static final String TAG_NEW_SIGNUPS = """
        {"name": "Tag new signups",
         "trigger": {"type": "event", "event": "acme.signup"},
         "conditions": {"all": [{"field": "customer.email", "op": "contains", "value": "@"}]},
         "steps": [
           {"id": "tag_new", "type": "action", "action": "add_tag", "params": {"tag": "new"}},
           {"id": "wait", "type": "delay", "duration": "P3D"},
           {"id": "check", "type": "branch",
            "if": {"all": [{"field": "customer.tags", "op": "contains", "value": "new"}]},
            "then": [{"id": "tag_day3", "type": "action", "action": "add_tag", "params": {"tag": "day3"}}],
            "else": [{"id": "halt", "type": "stop"}]}]}
        """;

    @Test
    void readsTheContractExample() {
        var definition = parser.parse(JSON.readTree(TAG_NEW_SIGNUPS));

        assertThat(definition.name()).isEqualTo("Tag new signups");
        assertThat(definition.trigger()).isEqualTo(new Definition.Trigger.OnEvent("acme.signup", java.util.Map.of()));
        assertThat(definition.conditions()).isInstanceOf(Definition.Condition.All.class);
        assertThat(definition.steps()).extracting(Definition.Step::id).containsExactly("tag_new", "wait", "check");
        assertThat(definition.steps().get(1)).isEqualTo(new Definition.Step.Delay("wait", Duration.ofDays(3), null));
        var branch = (Definition.Step.Branch) definition.steps().get(2);
        assertThat(branch.then()).extracting(Definition.Step::id).containsExactly("tag_day3");
        assertThat(branch.otherwise()).containsExactly(new Definition.Step.Stop("halt"));
    }

    @Test
    void namesTheExactPathOfAnUnknownVariable() {
        var errors = errorsOf("""
            {"name": "x", "trigger": {"type": "manual"}, "steps": [
              {"id": "a", "type": "stop"}, {"id": "b", "type": "stop"},
              {"id": "c", "type": "branch", "if": {"field": "customer.email", "op": "exists"},
               "then": [{"id": "mail", "type": "action", "action": "send_email",
                         "params": {"to": "{{customer.emial}}", "subject": "Hi {{customer.first_name}}"}}]}]}
            """);

        assertThat(errors).extracting(e -> e.field() + ": " + e.message())
            .containsExactly("steps[2].then[0].params.to: {{customer.emial}} is not a variable of this trigger");
    }

    @Test
    void reportsEveryMistakeAtOnce() {
        var errors = errorsOf("""
            {"trigger": {"type": "schedule", "cron": "every day", "time_zone": "Mars/Olympus"},
             "conditions": {"field": "invoice.amount_due", "op": "bigger", "value": 1},
             "steps": [
               {"id": "send", "type": "action", "action": "send_fax"},
               {"id": "send", "type": "delay", "duration": "3 days"},
               {"id": "each", "type": "loop", "over": "customer.tags", "steps": [{"id": "x", "type": "stop"}]},
               {"id": "ref", "type": "action", "action": "add_tag", "params": {"tag": "{{steps.later.output.id}}"}},
               {"id": "later", "type": "action", "action": "add_tag", "params": {"tag": "t"}},
               {"id": "Bad Id", "type": "teleport"}]}
            """);

        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("name", "trigger.time_zone",
            "trigger.cron", "conditions.field", "conditions.op", "steps[0].action", "steps[1].id", "steps[1].duration",
            "steps[2].over", "steps[2].max",
            "steps[3].params.tag", "steps[5].id", "steps[5].type");
    }

    /** P1M is ISO-8601, yet no fixed length of time: refused saying so, not as if it were not a duration at all. */
    @Test
    void aDurationOfMonthsOrYearsIsRefusedSayingWhyAndWhatToWriteInstead() {
        var errors = errorsOf("""
            {"name": "x", "trigger": {"type": "schedule", "every": "P1Y"}, "steps": [
              {"id": "wait", "type": "delay", "duration": "P1M"},
              {"id": "week", "type": "delay", "duration": "P2W"},
              {"id": "typo", "type": "delay", "duration": "3 days"}]}""");

        assertThat(errors).extracting(FieldError::field, FieldError::code).containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("trigger.every", "invalid_format"),
            org.assertj.core.groups.Tuple.tuple("steps[0].duration", "invalid_format"),
            org.assertj.core.groups.Tuple.tuple("steps[1].duration", "invalid_format"),
            org.assertj.core.groups.Tuple.tuple("steps[2].duration", "invalid_format"));
        assertThat(errors).filteredOn(error -> !error.field().equals("steps[2].duration")).allSatisfy(
            error -> assertThat(error.message()).contains("months and years differ in length"));
        assertThat(errors).filteredOn(error -> error.field().equals("steps[2].duration")).extracting(
            FieldError::message).containsExactly(ParseContext.NOT_A_DURATION);
    }

    @Test
    void acceptsEverySchedule() {
        for (String trigger : List.of("{\"type\": \"schedule\", \"every\": \"PT1H\"}",
            "{\"type\": \"schedule\", \"cron\": \"0 9 * * MON-FRI\", \"time_zone\": \"Europe/Paris\"}",
            // As cron reads it, a day of the month and a day of the week fire on either: every Monday here.
            "{\"type\": \"schedule\", \"cron\": \"0 9 30 2 MON\"}",
            "{\"type\": \"schedule\", \"calendar\": \"last_day_of_month\", \"at\": \"18:00\"}")) {
            var definition = parser.parse(JSON.readTree("{\"name\": \"s\", \"trigger\": " + trigger
                + ", \"steps\": [{\"id\": \"s\", \"type\": \"stop\"}]}"));
            assertThat(definition.trigger()).isInstanceOf(Definition.Trigger.OnSchedule.class);
        }
    }

    /**
     * A period past any date Till can write (found by a probe: it made the builder page and activation answer 500)
     * and a cron expression that names no day that exists are refused beside their field, as is a retry's wait that
     * long.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"type\": \"schedule\", \"every\": \"P999999999999D\"}|[]|trigger.every: must be between one minute and ten years",
            "{\"type\": \"schedule\", \"every\": \"PT9223372036854775807S\"}|[]|trigger.every: must be between one minute and ten years",
            "{\"type\": \"schedule\", \"every\": \"P3651D\"}|[]|trigger.every: must be between one minute and ten years",
            "{\"type\": \"schedule\", \"cron\": \"0 9 30 2 *\"}|[]|trigger.cron: never comes: no day matches it (such as 30 February)",
            "{\"type\": \"manual\"}|{\"attempts\": 3, \"backoff\": \"P999999999999D\"}|steps[0].retry.backoff: must be at most ten years",
            "{\"type\": \"manual\"}|{\"attempts\": 3, \"cap\": \"PT9223372036854775807S\"}|steps[0].retry.cap: must be at most ten years",
            "{\"type\": \"manual\"}|{\"attempts\": 3, \"backoff\": \"P1D\", \"cap\": \"PT1H\"}|steps[0].retry.cap: must be at least the first pause (backoff)"})
    void refusesAScheduleOrARetryThatCouldNeverComeRoundAtItsField(String trigger, String retry, String error) {
        String retryJson = retry.equals("[]") ? "" : ", \"retry\": " + retry;
        var errors = errorsOf("{\"name\": \"s\", \"trigger\": " + trigger + ", \"steps\": [{\"id\": \"tag\", "
            + "\"type\": \"action\", \"action\": \"add_tag\", \"params\": {\"tag\": \"t\"}" + retryJson + "}]}");

        assertThat(errors).extracting(e -> e.field() + ": " + e.message()).containsExactly(error);
    }

    @Test
    void refusesStepsNestedTooDeep() {
        String nested = "{\"id\": \"leaf\", \"type\": \"stop\"}";
        for (int i = 0; i < 30; i++) {
            nested = "{\"id\": \"b" + i + "\", \"type\": \"branch\", \"if\": {\"field\": \"event.x\", \"op\": "
                + "\"exists\"}, \"then\": [" + nested + "]}";
        }

        var errors = errorsOf("{\"name\": \"deep\", \"trigger\": {\"type\": \"manual\"}, \"steps\": [" + nested + "]}");

        assertThat(errors).extracting(FieldError::code).contains("too_deep");
    }

    @Test
    void refusesMoreThanTheMostStepsAllowed() {
        var steps = new StringBuilder();
        for (int i = 0; i <= DefinitionParser.MAX_STEPS; i++) {
            steps.append(i == 0 ? "" : ",").append("{\"id\": \"s").append(i).append("\", \"type\": \"stop\"}");
        }

        var errors = errorsOf("{\"name\": \"big\", \"trigger\": {\"type\": \"manual\"}, \"steps\": [" + steps + "]}");

        assertThat(errors).extracting(FieldError::code).containsExactly("too_many");
    }

    @Test
    void refusesLoopsWithinLoopsThatCouldTakeMoreStepsThanARunMay() {
        String inner = "{\"id\": \"tag\", \"type\": \"action\", \"action\": \"create_task\", \"params\": "
            + "{\"title\": \"t\"}}";
        String twice = "{\"id\": \"b\", \"type\": \"loop\", \"over\": \"event.data.items\", \"max\": 1000, "
            + "\"steps\": [" + inner + "]}";
        String nested = "{\"id\": \"a\", \"type\": \"loop\", \"over\": \"event.data.items\", \"max\": 100, "
            + "\"steps\": [" + twice + "]}";
        String trigger = "{\"type\": \"event\", \"event\": \"acme.big\"}";

        var errors = errorsOf("{\"name\": \"big\", \"trigger\": " + trigger + ", \"steps\": [" + nested + "]}");
        var single = parser.parse(JSON.readTree("{\"name\": \"ok\", \"trigger\": " + trigger + ", \"steps\": ["
            + twice + "]}"));

        assertThat(errors).extracting(FieldError::field).containsExactly("steps[0]");
        assertThat(errors).extracting(FieldError::code).containsExactly("too_many");
        assertThat(errors.getFirst().message()).contains("300,101", "10,000");
        assertThat(single.steps()).hasSize(1);
    }

    @Test
    void aCountWrittenAsTextOrAFractionIsRefusedNotRoundedDown() {
        var errors = errorsOf("""
            {"name": "n", "trigger": {"type": "event", "event": "acme.big"}, "limit": {"runs": 1.5, "per": "P1D"},
             "steps": [{"id": "each", "type": "loop", "over": "event.data.items", "max": "10",
                        "steps": [{"id": "t", "type": "action", "action": "create_task", "params": {"title": "t"},
                                   "retry": {"attempts": 2.7}}]}]}""");

        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("limit.runs", "steps[0].max",
            "steps[0].steps[0].retry.attempts");
    }

    @Test
    void anHtmlParamMayNotPlaceAValueUnescaped() {
        var step = JSON.createObjectNode().put("id", "mail").put("type", "action").put("action", "send_email");
        step.putObject("params").put("html", "<p>New order from {{{customer.name}}} ({{& customer.email}})</p>")
            .put("text", "From {{{customer.name}}}");
        var definition = JSON.createObjectNode().put("name", "x");
        definition.putObject("trigger").put("type", "event").put("event", "payment.failed");
        definition.putArray("steps").add(step);

        var failure = org.assertj.core.api.Assertions.catchThrowableOfType(TillException.class,
            () -> parser.parse(definition));

        assertThat(failure.errors()).extracting(FieldError::field, FieldError::code)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("steps[0].params.html", "unescaped_html"));
        assertThat(failure.errors().getFirst().message()).contains("{{customer.name}}");
    }

    /**
     * jmustache reads a tag with the space after {{ taken away: {{ & customer.name }} places the value unescaped too.
     * It passed the save, and a buyer's name could put a link into the seller's email.
     */
    @Test
    void anHtmlParamMayNotPlaceAValueUnescapedWithSpacesInItsTag() {
        for (String html : java.util.List.of("<p>{{ & customer.name }}</p>", "<p>{{  &customer.name}}</p>")) {
            var step = JSON.createObjectNode().put("id", "mail").put("type", "action").put("action", "send_email");
            step.putObject("params").put("html", html).put("text", "Hi");
            var definition = JSON.createObjectNode().put("name", "x");
            definition.putObject("trigger").put("type", "event").put("event", "payment.failed");
            definition.putArray("steps").add(step);

            var failure = org.assertj.core.api.Assertions.catchThrowableOfType(TillException.class,
                () -> parser.parse(definition));

            assertThat(failure).as(html).isNotNull();
            assertThat(failure.errors()).extracting(FieldError::field, FieldError::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("steps[0].params.html", "unescaped_html"));
        }
    }

    /**
     * A step may read an action's output only if that action ran on every path to it: one in a branch's then, read
     * in its else or after the branch, passed the save and failed every run that went the other way.
     */
    @Test
    void aStepOutputIsReadableOnlyWhereTheStepRanOnEveryPathToIt() {
        var errors = errorsOf("""
            {"name": "x", "trigger": {"type": "event", "event": "payment.failed"}, "steps": [
              {"id": "pick", "type": "branch", "if": {"field": "customer.email", "op": "exists"},
               "then": [{"id": "charge", "type": "action", "action": "add_tag", "params": {"tag": "a"}}],
               "else": [{"id": "other", "type": "action", "action": "add_tag",
                         "params": {"tag": "{{steps.charge.output.id}}"}}]},
              {"id": "after", "type": "action", "action": "add_tag", "params": {"tag": "{{steps.charge.output.id}}"}},
              {"id": "mail", "type": "action", "action": "add_tag", "params": {"tag": "m"},
               "fallback": [{"id": "saved", "type": "action", "action": "add_tag", "params": {"tag": "s"}}]},
              {"id": "each", "type": "loop", "over": "customer.tags", "max": 5,
               "steps": [{"id": "inner", "type": "action", "action": "add_tag", "params": {"tag": "i"}},
                         {"id": "uses", "type": "action", "action": "add_tag",
                          "params": {"tag": "{{steps.inner.output.id}}"}}]},
              {"id": "last", "type": "action", "action": "add_tag",
               "params": {"tag": "{{steps.saved.output.id}} {{steps.inner.output.id}} {{steps.mail.output.id}}"}}]}
            """);

        assertThat(errors).extracting(FieldError::field).containsExactly("steps[0].else[0].params.tag",
            "steps[1].params.tag", "steps[4].params.tag", "steps[4].params.tag");
    }

    /** A branch whose other way stops leaves only the way that goes on: its steps' outputs are readable after it. */
    @Test
    void aBranchWhoseOtherWayStopsLeavesItsStepsOutputsReadableAfterIt() {
        var definition = parser.parse(JSON.readTree("""
            {"name": "x", "trigger": {"type": "event", "event": "payment.failed"}, "steps": [
              {"id": "pick", "type": "branch", "if": {"field": "customer.email", "op": "exists"},
               "then": [{"id": "charge", "type": "action", "action": "add_tag", "params": {"tag": "a"}}],
               "else": [{"id": "done", "type": "stop"}]},
              {"id": "after", "type": "action", "action": "add_tag", "params": {"tag": "{{steps.charge.output.id}}"}}]}
            """));

        assertThat(definition.steps()).extracting(Definition.Step::id).containsExactly("pick", "after");
    }

    /**
     * An order comparison of text written for a reader compares it letter by letter: "$100.00" before "$50.00", and
     * "June 1, 2026" after every ISO time. Refused at save, saying what to compare; numbers, ISO times and ISO days pass.
     */
    @Test
    void anOrderComparisonOfTextWrittenForAReaderIsRefusedSayingWhatToCompare() {
        var errors = errorsOf("""
            {"name": "x", "trigger": {"type": "event", "event": "payment.failed"},
             "conditions": {"all": [{"field": "invoice.amount_due_formatted", "op": "gt", "value": "$50.00"},
                                    {"field": "invoice.due_at", "op": "lt", "value": "June 1, 2026"},
                                    {"field": "invoice.amount_due", "op": "gt", "value": 5000},
                                    {"field": "invoice.due_at", "op": "lt", "value": "2026-06-01T00:00:00Z"},
                                    {"field": "invoice.due_at", "op": "gte", "value": "2026-06-01"},
                                    {"field": "invoice.amount_due_formatted", "op": "eq", "value": "$50.00"}]},
             "steps": [{"id": "t", "type": "action", "action": "add_tag", "params": {"tag": "x"}}]}
            """);

        assertThat(errors).extracting(FieldError::field).containsExactly("conditions.all[0].field",
            "conditions.all[1].value");
        assertThat(errors.getFirst().message()).contains("compare invoice.amount_due (an amount in minor units");
    }

    @Test
    void readsRetryPoliciesAndFallbacks() {
        var definition = parser.parse(JSON.readTree(
            """
                {"name": "r", "trigger": {"type": "event", "event": "payment.failed", "scope": {"product_id": "prod_1"}},
                 "steps": [{"id": "mail", "type": "action", "action": "send_email",
                            "retry": {"attempts": 5, "backoff": "PT1M", "cap": "PT2H"},
                            "fallback": [{"id": "task", "type": "action", "action": "create_task",
                                          "params": {"title": "Mail to {{customer.email}} failed: {{steps.mail.output.error}}"}}]}]}
                """));

        var mail = (Definition.Step.Action) definition.steps().getFirst();
        assertThat(mail.retry()).isEqualTo(new Definition.Retry(5, Duration.ofMinutes(1), Duration.ofHours(2)));
        assertThat(mail.fallback()).extracting(Definition.Step::id).containsExactly("task");
        assertThat(((Definition.Trigger.OnEvent) definition.trigger()).scope()).containsEntry("product_id", "prod_1");
    }

    /**
     * A first pause longer than the default's longest, with no longest pause given, is the longest: a review found a
     * retry "a day later" made within the hour, every try within hours.
     */
    @Test
    void aRetryWithALongFirstPauseAndNoLongestWaitsAtLeastThatLong() {
        var definition = parser.parse(JSON.readTree("""
            {"name": "r", "trigger": {"type": "manual"},
             "steps": [{"id": "mail", "type": "action", "action": "send_email",
                        "retry": {"attempts": 3, "backoff": "P1D"}}]}"""));

        var mail = (Definition.Step.Action) definition.steps().getFirst();
        assertThat(mail.retry()).isEqualTo(new Definition.Retry(3, Duration.ofDays(1), Duration.ofDays(1)));
    }

    /** A probe's 4 KB dotted paths overflowed the stack: every place a path goes answers a 400 naming it. */
    @ParameterizedTest
    @ValueSource(strings = {"text", "trigger", "condition", "loop", "until"})
    void aPathOfThousandsOfPartsIsRefusedNamingItsField(String where) {
        String path = "a.".repeat(3000) + "b";
        String step = "{\"id\": \"s\", \"type\": \"action\", \"action\": \"add_tag\", \"params\": {\"tag\": "
            + (where.equals("text") ? "\"{{" + path + "}}\"" : "\"x\"") + "}}";
        String trigger = where.equals("trigger")
            ? "{\"type\": \"event\", \"event\": \"" + path + "\"}"
            : "{\"type\": \"manual\"}";
        String conditions = where.equals("condition")
            ? ", \"conditions\": {\"field\": \"" + path + "\", \"op\": \"exists\"}"
            : "";
        String steps = switch (where) {
            case "loop" -> "{\"id\": \"l\", \"type\": \"loop\", \"over\": \"" + path + "\", \"max\": 3, "
                + "\"steps\": [" + step + "]}";
            case "until" -> "{\"id\": \"d\", \"type\": \"delay\", \"until\": \"{{" + path + "}}\"}, " + step;
            default -> step;
        };

        var errors = errorsOf("{\"name\": \"long\", \"trigger\": " + trigger + conditions + ", \"steps\": ["
            + steps + "]}");

        String field = switch (where) {
            case "text" -> "steps[0].params.tag";
            case "trigger" -> "trigger.event";
            case "condition" -> "conditions.field";
            case "loop" -> "steps[0].over";
            default -> "steps[0].until";
        };
        assertThat(errors).extracting(FieldError::field).contains(field);
    }

    private List<FieldError> errorsOf(String json) {
        var failure = org.assertj.core.api.Assertions.catchThrowableOfType(TillException.class,
            () -> parser.parse(JSON.readTree(json)));
        assertThat(failure).as("expected a validation failure").isNotNull();
        return failure.errors();
    }

    @Test
    void refusesWhatIsNotAnObject() {
        assertThatThrownBy(() -> parser.parse(JSON.readTree("[1, 2]"))).isInstanceOf(TillException.class);
    }

    @Test
    void letsLoopStepsNameTheLoopAndRefusesBlankRequiredParams() {
        var errors = errorsOf("""
            {"name": "Loop", "trigger": {"type": "manual"},
             "steps": [{"id": "each", "type": "loop", "over": "event.data.items", "max": 10,
                        "steps": [{"id": "note", "type": "action", "action": "create_task",
                                   "params": {"title": "{{loop.index}} of {{loop.count}}: {{item.name}}"}}]},
                       {"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": " "}}]}""");

        assertThat(errors).extracting(FieldError::field).containsExactly("steps[1].params.tag");
    }

    private List<FieldError> errorsOfBody(String body) {
        var step = JSON.createObjectNode().put("id", "mail").put("type", "action").put("action", "send_email");
        step.putObject("params").put("body", body);
        var definition = JSON.createObjectNode().put("name", "x");
        definition.putObject("trigger").put("type", "event").put("event", "payment.failed");
        definition.putArray("steps").add(step);
        try {
            parser.parse(definition);
            return List.of();
        } catch (TillException e) {
            return e.errors();
        }
    }

    /** What a step returned is a group of values, as the builder's picker inserts it: a field of it is printed. */
    @Test
    void refusesPrintingAllThatAStepReturned() throws Exception {
        var definition = JSON.readTree("""
            {"name": "x", "trigger": {"type": "event", "event": "payment.failed"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "dunning"}},
                       {"id": "mail", "type": "action", "action": "send_email",
                        "params": {"to": "{{customer.email}}", "subject": "Hi",
                                   "text": "Got {{steps.tag.output}} and {{steps.tag.output.tags.0}}"}}]}""");

        assertThatThrownBy(() -> parser.parse(definition)).isInstanceOfSatisfying(TillException.class,
            e -> assertThat(e.errors()).extracting(error -> error.field() + ": " + error.message())
                .containsExactly("steps[1].params.text: {{steps.tag.output}} is everything step tag returned: print "
                    + "one of its fields, such as {{steps.tag.output.<field>}} (the run's log shows what it returns)"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        {{customer.name.bytes}}                           | {{customer.name.bytes}} is not a variable of this trigger
        {{customer}}                                      | {{customer}} is a whole record: print one of its fields, such as {{customer.id}}
        {{event}}                                         | {{event}} is a whole record: print one of its fields, such as {{event.type}}
        {{customer.stats}}                                | {{customer.stats}} is a group of values: print one of them, such as {{customer.stats.order_count}}
        {{event.data}}                                    | {{event.data}} is a group of values: print one of them, such as {{event.data.<field>}}
        {{customer.stats.lifetime_value_formatted}}       | {{customer.stats.lifetime_value_formatted}} is not a variable of this trigger: customer.stats has active_payment_plans, active_subscriptions, disputed, lifetime_value, missed_payments, order_count, paused_subscriptions
        {{customer.name.class}}                           | {{customer.name.class}} is not a variable of this trigger
        {{customer.name.length}}                          | {{customer.name.length}} is not a variable of this trigger
        {{customer.tags.size}}                            | {{customer.tags.size}} is not a variable of this trigger
        {{portal.url.empty}}                              | {{portal.url.empty}} is not a variable of this trigger
        {{this}}                                          | {{this}} is not a variable of this trigger
        {{-first}}                                        | {{-first}} is not a variable of this trigger
        {{#customer.tags}}{{-last}}{{/customer.tags}}     | {{-last}} is not a variable of this trigger
        {{#customer.tags}}{{-index}}{{/customer.tags}}    | {{-index}} is not a variable of this trigger
        {{#customer.name}}{{length}}{{/customer.name}}    | {{length}} is not a variable of this trigger
        {{.}}                                             | {{.}} would print the whole context: name a variable such as {{customer.first_name}}
        {{^invoice.paid_at}}{{.}}{{/invoice.paid_at}}     | {{.}} would print the whole context: name a variable such as {{customer.first_name}}
        {{> footer}}                                      | {{>footer}}: a template cannot include another template or define blocks
        {{<layout}}{{/layout}}                            | {{<layout}}: a template cannot include another template or define blocks
        {{$title}}Hi{{/title}}                            | {{$title}}: a template cannot include another template or define blocks
        {{=<% %>=}}<% customer.name.bytes %>              | {{=…=}}: a template cannot change its delimiters
        Hi {{#customer.tags}}                             | the template does not parse: Section missing close tag 'customer.tags' @ line 1
        Hi {{customer.name, welcome                       | an unclosed {{: each {{ needs its }}, or it is sent as typed
        """)
    void refusesEveryTagThatIsNotADataPathOfTheTrigger(String body, String message) {
        assertThat(errorsOfBody(body)).extracting(e -> e.field() + ": " + e.code() + ": " + e.message())
            .containsExactly("steps[0].params.body: unknown_variable: " + message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{customer.name}} {{{customer.email}}} {{& customer.phone}} {{! a note }}",
            "{{#customer.tags}}{{.}} {{/customer.tags}}{{^customer.tags}}no tags{{/customer.tags}}",
            "{{customer.tags.0}} {{customer.metadata.plan.tier}} {{customer.default_card.last4}}",
            "{{invoice.amount_due_formatted}} {{event.data.anything}} {{#order.items}}{{.}}{{/order.items}}"})
    void acceptsDataPathsOfTheTrigger(String body) {
        assertThat(errorsOfBody(body)).isEmpty();
    }

    @Test
    void refusesRetryAndFallbackOnSendWebhookWhoseDeliveryRetriesOnItsOwnButLoadsAVersionSavedWithThem() {
        var real = new DefinitionParser(ActionCatalogs.real());
        var saved = JSON.readTree("""
            {"name": "Fulfil", "trigger": {"type": "manual"},
             "steps": [{"id": "fulfil", "type": "action", "action": "send_webhook",
                        "params": {"url": "https://fulfillment.example.com/hooks", "payload": {"a": 1}},
                        "retry": {"attempts": 8},
                        "fallback": [{"id": "tell_staff", "type": "action", "action": "create_task",
                                      "params": {"title": "Fulfil by hand"}}]}]}""");

        var refused = org.assertj.core.api.Assertions.catchThrowableOfType(TillException.class,
            () -> real.parse(saved));

        assertThat(refused.errors()).extracting(FieldError::field, FieldError::code).containsExactly(
            org.assertj.core.groups.Tuple.tuple("steps[0].retry", "never_runs"),
            org.assertj.core.groups.Tuple.tuple("steps[0].fallback", "never_runs"));
        assertThat(refused.errors().get(0).message()).contains("about three days", "delivery_url");
        assertThat(refused.errors().get(1).message()).contains("wait_for_event");
        assertThat(real.parseSaved(saved).steps()).extracting(Definition.Step::id).containsExactly("fulfil");
    }

    /** A rule across an action's params, added after versions were saved: those versions still load, and run. */
    @Test
    void readsASavedVersionWhoseParamsTheActionsRuleNowRefuses() {
        var real = new DefinitionParser(ActionCatalogs.real());
        var saved = JSON.readTree("""
            {"name": "Old", "trigger": {"type": "manual"},
             "steps": [{"id": "ping", "type": "action", "action": "send_slack",
                        "params": {"webhook_url": "https://hooks.slack.com/services/T0/B0/x"}},
                       {"id": "set", "type": "action", "action": "update_customer", "params": {}}]}""");

        var refused = org.assertj.core.api.Assertions.catchThrowableOfType(TillException.class,
            () -> real.parse(saved));

        assertThat(refused.errors()).extracting(FieldError::field).containsExactly("steps[0].params.text",
            "steps[1].params.name");
        assertThat(real.parseSaved(saved).steps()).extracting(Definition.Step::id).containsExactly("ping", "set");
    }

    @Test
    void readsASavedVersionWhoseTemplatesTheSaveCheckNowRefuses() {
        var saved = JSON.readTree("""
            {"name": "Old", "trigger": {"type": "manual"},
             "steps": [{"id": "mail", "type": "action", "action": "send_email", "params": {"body": "{{.}}"}}]}""");

        assertThatThrownBy(() -> parser.parse(saved)).isInstanceOf(TillException.class);
        assertThat(parser.parseSaved(saved).steps()).extracting(Definition.Step::id).containsExactly("mail");
    }

    @Test
    void aVersionSavedBeforeTheEventAndScopeChecksStillLoads() {
        var saved = JSON.readTree("""
            {"name": "Old", "trigger": {"type": "event", "event": "payment.faild", "scope": {"addon_id": "addon_1"}},
             "conditions": {"all": [{"field": "invoice.amount_duee", "op": "exists"}]},
             "steps": [{"id": "halt", "type": "stop"}]}""");

        assertThatThrownBy(() -> parser.parse(saved)).isInstanceOfSatisfying(TillException.class, e -> assertThat(e
            .errors()).extracting(FieldError::field).containsExactly("trigger.event", "trigger.scope.addon_id",
                "conditions.all[0].field"));
        assertThat(parser.parseSaved(saved).trigger()).isEqualTo(new Definition.Trigger.OnEvent("payment.faild",
            java.util.Map.of("addon_id", "addon_1")));
    }

    @Test
    void aStoredVersionWithAnUnreadableDaysBeforeLoadsAsTheStandardNoticeButIsRefusedAtSave() {
        var stored = tools.jackson.databind.json.JsonMapper.builder().build().readTree("""
            {"name": "Old", "trigger": {"type": "event", "event": "subscription.renewal_upcoming", "days_before": "7"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "x"}}]}""");

        assertThat(parser.parseSaved(stored).trigger()).isEqualTo(new Definition.Trigger.OnEvent(
            "subscription.renewal_upcoming", java.util.Map.of(), null));
        var refused = org.assertj.core.api.Assertions.catchThrowableOfType(TillException.class,
            () -> parser.parse(stored));
        assertThat(refused.errors()).extracting(io.till.shared.FieldError::field).contains("trigger.days_before");
    }
    @Test
    void aFieldNothingReadsIsRefusedWithItsPathSoATypoCannotBeDroppedSilently() {
        var errors = errorsOf("""
            {"name": "Dunning", "descripton": "typo", "trigger": {"type": "event", "event": "payment.failed",
              "scopes": {"product_id": "prod_1"}},
             "conditions": {"all": [{"field": "invoice.amount_due", "op": "gt", "value": 0, "vaule": 1}]},
             "cancel_on": [{"event": "invoice.paid", "match": "invoice", "when": "now"}],
             "limit": {"runs": 1, "per": "P30D", "every": "P1D"},
             "steps": [
               {"id": "mail", "type": "action", "action": "add_tag", "params": {"tag": "x"}, "retries": 3,
                "retry": {"attempts": 2, "backof": "PT1M"}},
               {"id": "wait", "type": "delay", "duration": "P1D", "time_zone": "UTC"},
               {"id": "check", "type": "branch", "if": {"field": "customer.email", "op": "exists"},
                "then": [{"id": "halt", "type": "stop", "reason": "done"}], "otherwise": []},
               {"id": "each", "type": "loop", "over": "customer.tags", "max": 3, "limit": 5,
                "steps": [{"id": "inner", "type": "stop"}]},
               {"id": "hear", "type": "wait_for_event", "event": "invoice.paid", "timeout": "P3D", "timout": "P1D"}]}
            """);

        assertThat(errors).extracting(e -> e.field() + ": " + e.code()).containsExactlyInAnyOrder(
            "descripton: unknown_field", "trigger.scopes: unknown_field",
            "conditions.all[0].vaule: unknown_field", "cancel_on[0].when: unknown_field",
            "limit.every: unknown_field", "steps[0].retries: unknown_field", "steps[0].retry.backof: unknown_field",
            "steps[1].time_zone: unknown_field", "steps[2].then[0].reason: unknown_field",
            "steps[2].otherwise: unknown_field", "steps[3].limit: unknown_field", "steps[4].timout: unknown_field");
        assertThat(errors).filteredOn(e -> e.field().equals("steps[0].retries")).extracting(FieldError::message)
            .containsExactly("is not a field of an action step: its fields are id, type, action, params, retry and "
                + "fallback");
    }

    @Test
    void aScheduleOrConditionGivenTwoWaysIsRefusedRatherThanHalfRead() {
        var schedule = errorsOf("""
            {"name": "Twice", "trigger": {"type": "schedule", "every": "P1D", "cron": "0 9 * * *"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "x"}, "retry": 3}]}
            """);
        var condition = errorsOf("""
            {"name": "Twice", "trigger": {"type": "event", "event": "payment.failed"},
             "conditions": {"all": [{"field": "customer.email", "op": "exists"}], "field": "customer.name",
               "op": "exists"},
             "steps": [{"id": "halt", "type": "stop"}]}
            """);

        assertThat(schedule).extracting(e -> e.field() + ": " + e.code()).containsExactlyInAnyOrder(
            "trigger.cron: unknown_field", "steps[0].retry: invalid_type");
        assertThat(condition).extracting(e -> e.field() + ": " + e.code()).containsExactlyInAnyOrder(
            "conditions.field: unknown_field", "conditions.op: unknown_field");
    }

    @Test
    void aVersionStoredWithAFieldNothingReadsStillLoads() {
        var stored = JSON.readTree("""
            {"name": "Old", "colour": "blue", "trigger": {"type": "manual", "note": "x"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "x"}, "retries": 3}]}""");

        assertThat(parser.parseSaved(stored).steps()).extracting(Definition.Step::id).containsExactly("tag");
    }
}
