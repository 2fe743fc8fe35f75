package io.till.billing;

import io.till.event.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * How far ahead Till announces what is coming (a renewal, a trial's end, an installment, a fixed term's end, a card's
 * expiry): always at the account's standard notice, and also at each {@code days_before} that one of its automations
 * on that event asks for. Each announcement carries {@code days_before} in its data, so an automation starts only from
 * the one it asked for.
 */
@Component
public class UpcomingNotices {

    /** card.expiring is announced this long before the card's expiry month ends. */
    public static final Duration CARD_EXPIRY_NOTICE = Duration.ofDays(60);

    /** The advisory lock of an account's notices is keyed by this and the account id. */
    private static final String LOCK = "till.upcoming-notices:";

    /** What automations ask for beyond the standard notice (the automation feature answers it). */
    public interface Demand {

        /** The {@code days_before} of this account's automations on this upcoming event, paused ones too. */
        Set<Integer> daysBefore(String accountId, EventType type);
    }

    private final BillingSettings settings;
    private final ObjectProvider<Demand> demand;
    private final JdbcClient db;

    UpcomingNotices(BillingSettings settings, ObjectProvider<Demand> demand, JdbcClient db) {
        // Announcements carry their notice in whole days, and automations ask for whole days: a standard notice of
        // 36 hours would be heard as 1 day beside a real one-day notice.
        wholeDays("TILL_BILLING_UPCOMING_NOTICE", settings.upcomingNotice());
        wholeDays("TILL_BILLING_ENDING_SOON_NOTICE", settings.endingSoonNotice());
        this.settings = settings;
        this.demand = demand;
        this.db = db;
    }

    /**
     * Reading what the automations ask for takes this account's notice lock shared, until the transaction ends; an
     * activation that backfills a new notice takes it exclusively ({@link #lockExclusively}). So a subscription made
     * while an automation is activated is either seen by the backfill or sees the automation: never neither.
     */
    private void lockShared(String accountId) {
        db.sql("SELECT pg_advisory_xact_lock_shared(hashtext(:key))").param("key", LOCK + accountId).query(
            (rs, row) -> 1).list();
    }

    /** Takes this account's notice lock exclusively, until the transaction ends. */
    void lockExclusively(String accountId) {
        db.sql("SELECT pg_advisory_xact_lock(hashtext(:key))").param("key", LOCK + accountId).query(
            (rs, row) -> 1).list();
    }

    private static void wholeDays(String variable, Duration notice) {
        if (notice.isNegative() || notice.isZero() || !notice.equals(Duration.ofDays(notice.toDays()))) {
            throw new IllegalStateException(variable + " must be a whole number of days, at least one (P7D), not "
                + notice);
        }
    }

    /** The account's standard notice of an upcoming event type: what an automation without days_before hears. */
    public Duration standard(EventType type) {
        return switch (type) {
            case CARD_EXPIRING -> CARD_EXPIRY_NOTICE;
            case SUBSCRIPTION_ENDING_SOON -> settings.endingSoonNotice();
            case SUBSCRIPTION_RENEWAL_UPCOMING, SUBSCRIPTION_TRIAL_ENDING, PAYMENT_PLAN_PAYMENT_UPCOMING ->
                settings.upcomingNotice();
            default -> throw new IllegalArgumentException(type.type() + " is not announced ahead of time");
        };
    }

    /** The whole days of the standard notice, as its announcements carry them in {@code days_before}. */
    public int standardDays(EventType type) {
        return daysBefore(standard(type));
    }

    /** The days an announcement made {@code ahead} of its moment carries in {@code days_before}. */
    static int daysBefore(Duration ahead) {
        return (int) ahead.toDays();
    }

    /** Every notice this account wants of this event type: the standard one first, then the automations' ones. */
    List<Duration> offsets(String accountId, EventType type) {
        var offsets = new ArrayList<Duration>();
        offsets.add(standard(type));
        var wanted = demand.getIfAvailable();
        if (wanted != null) {
            lockShared(accountId);
            wanted.daysBefore(accountId, type).stream().sorted().map(Duration::ofDays)
                .filter(offset -> !offsets.contains(offset)).forEach(offsets::add);
        }
        return offsets;
    }
}
