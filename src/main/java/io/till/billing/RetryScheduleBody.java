package io.till.billing;

import io.swagger.v3.oas.annotations.media.Schema;
import io.till.shared.FieldErrors;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** The retry schedule as the API reads and writes it. A PUT replaces it as a whole: a list left out takes its default. */
@Schema(name = "RetrySchedule")
record RetryScheduleBody(
    @Schema(description = "When a failed subscription payment is retried: ISO-8601 durations after the invoice's "
        + "first attempt, strictly increasing, each from PT1H to P60D, at most 8", example = "[\"P1D\", \"P3D\", "
            + "\"P5D\"]") List<String> subscriptionRetries,
    @Schema(description = "The same for payment plan installments", example = "[\"P1D\", \"P3D\", \"P5D\"]") List<String> paymentPlanRetries) {

    static final int MAX_RETRIES = 8;
    static final Duration SHORTEST = Duration.ofHours(1);
    static final Duration LONGEST = Duration.ofDays(60);

    static RetryScheduleBody of(RetrySchedule schedule) {
        return new RetryScheduleBody(format(schedule.subscriptions()), format(schedule.paymentPlans()));
    }

    /** The schedule this body asks for ({@code defaults} for a list left out), or a failure naming every bad field. */
    RetrySchedule toSchedule(RetrySchedule defaults) {
        var errors = new FieldErrors();
        var subscriptions = subscriptionRetries == null
            ? defaults.subscriptions()
            : retries(errors, "subscription_retries", subscriptionRetries);
        var plans = paymentPlanRetries == null
            ? defaults.paymentPlans()
            : retries(errors, "payment_plan_retries", paymentPlanRetries);
        errors.throwIfAny();
        return new RetrySchedule(subscriptions, plans);
    }

    private static List<Duration> retries(FieldErrors errors, String field, List<String> values) {
        if (values.size() > MAX_RETRIES) {
            errors.add(field, "too_many", "must hold at most " + MAX_RETRIES + " retries");
            return List.of();
        }
        var retries = new ArrayList<Duration>();
        Duration previous = Duration.ZERO;
        for (int i = 0; i < values.size(); i++) {
            Duration retry = parse(values.get(i));
            if (retry == null) {
                errors.add(field + "[" + i + "]", "invalid_duration", "must be an ISO-8601 duration from PT1H (1 "
                    + "hour) to P60D (60 days), such as P3D");
            } else if (retry.compareTo(previous) <= 0) {
                // Each retry is counted from the first attempt, so a retry not later than the one before is a typo.
                errors.add(field + "[" + i + "]", "not_increasing", "must be later than the retry before it");
            } else {
                retries.add(retry);
                previous = retry;
            }
        }
        return retries;
    }

    private static Duration parse(String value) {
        try {
            var duration = value == null ? null : Duration.parse(value.strip());
            return duration != null && duration.compareTo(SHORTEST) >= 0 && duration.compareTo(LONGEST) <= 0
                ? Duration.ofSeconds(duration.toSeconds())
                : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Whole days as {@code P3D}, the rest as {@link Duration#toString()} ({@code PT36H}). */
    static String format(Duration duration) {
        return duration.toSeconds() % 86_400 == 0 ? "P" + duration.toDays() + "D" : duration.toString();
    }

    private static List<String> format(List<Duration> durations) {
        return durations.stream().map(RetryScheduleBody::format).toList();
    }
}
