package io.till.automation;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * An automation as its author wrote it (PRODUCT.md §4): what starts it, what must hold, and the steps to take. Pure
 * data, parsed and checked by {@link DefinitionParser}; the engine decides what happens next from it.
 */
public record Definition(String name, Trigger trigger, Condition conditions, List<Step> steps,
    List<CancelOn> cancelOn, Limit limit, String concurrency) {

    public Definition(String name, Trigger trigger, Condition conditions, List<Step> steps) {
        this(name, trigger, conditions, steps, List.of(), null, null);
    }

    /**
     * The record a run of {@code concurrency: <record>} is keyed by, or null when the customer is its key (or the
     * automation has no such rule): one run per key at a time.
     */
    public String concurrencyRecord() {
        return CancelOn.recordOf(concurrency);
    }

    /**
     * The most lines one run's log may hold: each step writes one, a delay or a wait two (waiting, then done), an
     * action one per attempt. A loop runs its steps once per item, and loops within loops multiply: without a bound,
     * one event with a long list could start a run of millions of steps, and a log no one could read.
     */
    public static final int MAX_STEPS_PER_RUN = 10_000;

    /** An automation's description ({@code description} beside its name): what it is for, in staff's words. */
    public static final int MAX_DESCRIPTION = 2_000;

    /**
     * The longest period a schedule, a delay, a wait or a retry's backoff may name, and the furthest ahead a delay
     * {@code until} a time of the context waits: any longer could pass the dates Till stores.
     */
    public static final Duration TEN_YEARS = Duration.ofDays(3650);

    /**
     * The most log lines a run could write through {@code steps}, counted as {@link #MAX_STEPS_PER_RUN} counts them:
     * a loop's steps once per item up to its max, a branch's longer lane, every attempt of an action and then its
     * fallback. Saturates at {@link Long#MAX_VALUE}.
     */
    static long mostSteps(List<Step> steps) {
        long total = 0;
        for (Step step : steps == null ? List.<Step>of() : steps) {
            total = saturated(total, mostSteps(step));
        }
        return total;
    }

    static long mostSteps(Step step) {
        return switch (step) {
            case Step.Action action -> saturated(Math.max(1, (action.retry() == null ? Retry.DEFAULT : action.retry())
                .attempts()), mostSteps(action.fallback()));
            case Step.Branch branch -> saturated(1, Math.max(mostSteps(branch.then()), mostSteps(branch.otherwise())));
            case Step.Loop loop -> saturated(1, mostSteps(loop.steps()) > Long.MAX_VALUE / Math.max(1, loop.max())
                ? Long.MAX_VALUE
                : loop.max() * mostSteps(loop.steps()));
            case Step.Delay ignored -> 2;
            case Step.WaitForEvent ignored -> 2;
            case null, default -> 1;
        };
    }

    private static long saturated(long a, long b) {
        return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
    }

    /** At most {@code runs} runs per customer within any {@code per}: the matcher starts no more. */
    public record Limit(int runs, Duration per) {}

    /**
     * An event that ends this automation's runs that have not ended: those about the event's customer and, when
     * {@code match} names a record ({@code invoice}, {@code subscription}, …), about the same record as the event
     * ({@code invoice.paid} ends the dunning run of that invoice, not of the customer's other ones).
     */
    public record CancelOn(String event, String match) {

        /** What a canceling event may share with a run's trigger, besides its customer. */
        public static final java.util.Set<String> RECORDS = java.util.Set.of("invoice", "subscription",
            "payment_plan", "order", "payment", "card", "checkout");
        public static final String CUSTOMER = "customer";

        /** The record both must be about, or null when the customer is enough. */
        public String record() {
            return recordOf(match);
        }

        /** Whether {@code match} names the customer or one of the {@link #RECORDS}. */
        public static boolean isMatch(String match) {
            return match != null && (match.equals(CUSTOMER) || RECORDS.contains(match));
        }

        /** The record a match names, or null when it is the customer. */
        public static String recordOf(String match) {
            return CUSTOMER.equals(match) ? null : match;
        }
    }

    public sealed interface Trigger {

        /**
         * An event of this type, optionally only for some checkout, product, upsell, addon, option, code or group;
         * for an upcoming event (a renewal, a trial end, an installment, a fixed term's end, a card's expiry),
         * {@code daysBefore} is how far ahead it wants it, null for the account's standard notice.
         */
        record OnEvent(String event, Map<String, String> scope, Integer daysBefore) implements Trigger {

            public OnEvent(String event, Map<String, String> scope) {
                this(event, scope, null);
            }
        }

        record OnSchedule(Schedule schedule) implements Trigger {}

        /** Started through the API, optionally for a customer and with data. */
        record Manual() implements Trigger {}
    }

    public sealed interface Schedule {

        /**
         * Every {@code interval} from the automation's anchor. An interval of whole days is counted in days of
         * {@code zone}, so a daily schedule keeps its time of day when the clocks change; a shorter one is counted in
         * elapsed time.
         */
        record Every(Duration interval, ZoneId zone) implements Schedule {}

        /** A five-field cron expression, read in {@code zone}. */
        record Cron(String expression, ZoneId zone) implements Schedule {}

        /** The first or last day of each month, or a day of the week, at a time of day in a zone. */
        record Calendar(String day, LocalTime at, ZoneId zone) implements Schedule {}
    }

    public sealed interface Condition {

        record All(List<Condition> conditions) implements Condition {}

        record Any(List<Condition> conditions) implements Condition {}

        record Not(Condition condition) implements Condition {}

        /** {@code field} is a path into the context ({@code invoice.amount}); {@code value} is absent for exists. */
        record Compare(String field, Operator op, JsonNode value) implements Condition {}
    }

    public enum Operator {
        EQ,
        NE,
        GT,
        GTE,
        LT,
        LTE,
        CONTAINS,
        NOT_CONTAINS,
        STARTS_WITH,
        IN,
        NOT_IN,
        EXISTS,
        NOT_EXISTS;

        boolean takesValue() {
            return this != EXISTS && this != NOT_EXISTS;
        }
    }

    public sealed interface Step {
        String id();

        /** Calls an action; on failure retries per {@code retry}, then runs {@code fallback}. */
        record Action(String id, String action, JsonNode params, Retry retry, List<Step> fallback) implements Step {}

        record Branch(String id, Condition condition, List<Step> then, List<Step> otherwise) implements Step {}

        /** Waits {@code duration}, or until the time found at {@code until} in the context. */
        record Delay(String id, Duration duration, String until) implements Step {}

        /** Runs {@code steps} once per item of the list at {@code over}, for at most {@code max} items. */
        record Loop(String id, String over, int max, List<Step> steps) implements Step {}

        record Stop(String id) implements Step {}

        /**
         * Waits until an event of type {@code event} about the run's customer arrives (with {@code match} naming a
         * record, about the same record as the run's trigger), or {@code timeout} passes; its output says which
         * ({@code received}, and the event).
         */
        record WaitForEvent(String id, String event, String match, Duration timeout) implements Step {

            /** The record the event must share with the trigger, or null when the customer is enough. */
            public String record() {
                return CancelOn.recordOf(match);
            }
        }
    }

    /** Attempts in all (1 = no retry), the first backoff doubled each time with jitter, never above {@code cap}. */
    public record Retry(int attempts, Duration backoff, Duration cap) {

        public static final Retry DEFAULT = new Retry(3, Duration.ofSeconds(30), Duration.ofHours(1));
    }
}
