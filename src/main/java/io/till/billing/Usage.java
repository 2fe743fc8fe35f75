package io.till.billing;

import io.till.customer.Customers;
import io.till.event.EventType;
import io.till.event.Events;
import io.till.idempotency.RequestEffects;
import io.till.shared.Amounts;
import io.till.shared.ErrorCode;
import io.till.shared.FieldErrors;
import io.till.shared.Ids;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Metered usage of subscriptions. Usage counts per meter and per billing period; each threshold the period's total
 * crosses raises {@code usage.threshold_exceeded} once.
 */
@Component
class Usage {

    private final JdbcClient db;
    private final Subscriptions subscriptions;
    private final Customers customers;
    private final Events events;
    private final RequestEffects effects;
    private final Clock clock;

    Usage(JdbcClient db, Subscriptions subscriptions, Customers customers, Events events, RequestEffects effects,
        Clock clock) {
        this.db = db;
        this.subscriptions = subscriptions;
        this.customers = customers;
        this.events = events;
        this.effects = effects;
        this.clock = clock;
    }

    /** A meter's use in the current period and the thresholds set on it. */
    record Meter(String meter, long total, List<Long> thresholds, Instant periodStart) {}

    /**
     * The {@code usage} of a {@code usage.threshold_exceeded} event: one event per threshold, so {@code threshold} is
     * the one number crossed (a template says "passed {{usage.threshold}}"); {@code thresholds} holds that same one
     * number, as it always has, for webhook consumers that read it.
     */
    record Crossing(String meter, long total, long threshold, List<Long> thresholds, Instant periodStart) {}

    @Transactional
    Meter record(String accountId, String subscriptionId, String meter, Long quantity) {
        var errors = new FieldErrors();
        if (subscriptionId == null) {
            errors.add("subscription_id", "required", "is required");
        }
        if (quantity == null || quantity <= 0) {
            errors.add("quantity", "out_of_range", "must be a positive whole number");
        }
        String name = meterName(meter, errors);
        if (subscriptionId != null && subscriptions.find(accountId, subscriptionId).isEmpty()) {
            // An id in a body that names nothing is a bad field, as on every operation (README, Errors).
            errors.add("subscription_id", "not_found", "is not a subscription of this account");
        }
        errors.throwIfAny();
        if (effects.recordedBefore("usage").isPresent()) {
            // Recorded by an earlier attempt of this keyed request, which never got to answer (a crash, a 5xx).
            return meter(accountId, subscriptionId, name);
        }
        Subscription subscription = subscriptions.lockForUpdate(accountId, subscriptionId);
        if (List.of("canceled").contains(subscription.status())) {
            throw new TillException(ErrorCode.INVALID_STATE, "A canceled subscription records no usage.");
        }
        long before = total(accountId, subscription, name);
        // The period's total is a sum in PostgreSQL, read back as a long: it must never outgrow one.
        long after = Amounts.add("quantity", before, quantity);
        String id = Ids.newId("usage");
        db.sql("""
            INSERT INTO usage_records (id, account_id, subscription_id, meter, quantity, recorded_at)
            VALUES (:id, :accountId, :subscriptionId, :meter, :quantity, :now)
            """)
            .param("id", id)
            .param("accountId", accountId)
            .param("subscriptionId", subscriptionId)
            .param("meter", name)
            .param("quantity", quantity)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update();
        effects.recorded("usage", id);
        for (long threshold : thresholds(accountId, subscriptionId, name)) {
            if (before < threshold && after >= threshold) {
                events.record(accountId, EventType.USAGE_THRESHOLD_EXCEEDED, subscription.customerId(), Map.of(
                    "subscription", subscription, "usage", new Crossing(name, after, threshold,
                        List.of(threshold), subscription.currentPeriodStart()),
                    "customer", customers.get(accountId,
                        subscription.customerId())));
            }
        }
        return meter(accountId, subscriptionId, name);
    }

    @Transactional
    Meter setThresholds(String accountId, String subscriptionId, String meter, List<Long> thresholds) {
        var errors = new FieldErrors();
        String name = meterName(meter, errors);
        if (thresholds == null) {
            errors.add("thresholds", "required", "is required; an empty list removes them");
        } else {
            if (thresholds.size() > 20) {
                errors.add("thresholds", "too_many", "must hold at most 20 thresholds");
            }
            for (int i = 0; i < thresholds.size(); i++) {
                if (thresholds.get(i) == null || thresholds.get(i) <= 0) {
                    errors.add("thresholds[" + i + "]", "out_of_range", "must be a positive whole number");
                }
            }
        }
        errors.throwIfAny();
        subscriptions.get(accountId, subscriptionId);
        // One replacement of a meter's thresholds at a time: two at once both deleted, then both inserted (a 500).
        subscriptions.lockForUpdate(accountId, subscriptionId);
        db.sql(
            "DELETE FROM usage_thresholds WHERE account_id = :accountId AND subscription_id = :id AND meter = :meter")
            .param("accountId", accountId)
            .param("id", subscriptionId)
            .param("meter", name)
            .update();
        for (long threshold : thresholds.stream().distinct().toList()) {
            db.sql("""
                INSERT INTO usage_thresholds (account_id, subscription_id, meter, threshold)
                VALUES (:accountId, :id, :meter, :threshold)
                """)
                .param("accountId", accountId)
                .param("id", subscriptionId)
                .param("meter", name)
                .param("threshold", threshold)
                .update();
        }
        return meter(accountId, subscriptionId, name);
    }

    Meter meter(String accountId, String subscriptionId, String meter) {
        var errors = new FieldErrors();
        String name = meterName(meter, errors);
        errors.throwIfAny();
        Subscription subscription = subscriptions.get(accountId, subscriptionId);
        return new Meter(name, total(accountId, subscription, name), thresholds(accountId, subscriptionId, name),
            subscription.currentPeriodStart());
    }

    private long total(String accountId, Subscription subscription, String meter) {
        return db.sql("""
            SELECT coalesce(sum(quantity), 0) FROM usage_records
             WHERE account_id = :accountId AND subscription_id = :id AND meter = :meter AND recorded_at >= :since
            """)
            .param("accountId", accountId)
            .param("id", subscription.id())
            .param("meter", meter)
            .param("since", Timestamps.of(subscription.currentPeriodStart()))
            .query(Long.class)
            .single();
    }

    private List<Long> thresholds(String accountId, String subscriptionId, String meter) {
        return new ArrayList<>(db.sql("""
            SELECT threshold FROM usage_thresholds
             WHERE account_id = :accountId AND subscription_id = :id AND meter = :meter
             ORDER BY threshold
            """)
            .param("accountId", accountId)
            .param("id", subscriptionId)
            .param("meter", meter)
            .query(Long.class)
            .list());
    }

    private static String meterName(String meter, FieldErrors errors) {
        String name = meter == null || meter.isBlank() ? "default" : meter.strip();
        if (!name.matches("[a-z0-9_]{1,40}")) {
            errors.add("meter", "invalid_format", "must be 1 to 40 lower-case letters, digits or underscores");
        }
        return name;
    }
}
