package io.till.billing;

import io.till.catalog.Product;
import io.till.catalog.ProductOption;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class Subscriptions {

    private static final RowMapper<Subscription> SUBSCRIPTION = (rs, row) -> new Subscription(rs.getString("id"),
        rs.getString("customer_id"), rs.getString("order_id"), rs.getString("product_id"), rs.getString("option_id"),
        rs.getString("subscription_group_id"), rs.getString("card_id"), rs.getString("status"), rs.getLong("amount"),
        rs.getString("currency"), rs.getString("interval"), rs.getInt("interval_count"),
        Timestamps.read(rs, "current_period_start"), Timestamps.read(rs, "current_period_end"),
        Timestamps.read(rs, "trial_end"), Timestamps.read(rs, "ends_at"), Timestamps.read(rs, "canceled_at"),
        Timestamps.read(rs, "created_at"), rs.getString("cancel_reason"), rs.getString("cancel_reason_text"),
        rs.getString("canceled_by"), rs.getString("canceled_by_who"), Timestamps.read(rs, "cancel_requested_at"),
        Timestamps.read(rs, "periods_restarted_at"));

    private final JdbcClient db;
    private final BillingSchedule schedule;

    Subscriptions(JdbcClient db, BillingSchedule schedule) {
        this.db = db;
        this.schedule = schedule;
    }

    /**
     * Starts a subscription bought at {@code now}: trialing until the trial ends when it starts with the option's trial
     * ({@code trial}: the option has one and this customer may have it; the first period is the trial), otherwise
     * active with its first period paid.
     */
    public Subscription start(String accountId, String customerId, String orderId, Product product,
        ProductOption option, String cardId, boolean trial, Instant now) {
        String interval = option.interval().code();
        Instant periodEnd = trial
            ? now.plus(Duration.ofDays(option.trialDays()))
            : Periods.after(now, interval, option.intervalCount());
        // A fixed-term subscription bills its cycles after the trial, if any: the first one is the period just bought.
        Instant endsAt = null;
        if (option.cycles() != null) {
            endsAt = trial ? periodEnd : now;
            for (int i = 0; i < option.cycles(); i++) {
                endsAt = Periods.after(endsAt, interval, option.intervalCount(), trial ? periodEnd : now);
            }
        }
        String id = Ids.newId("sub");
        db.sql("""
            INSERT INTO subscriptions (id, account_id, customer_id, order_id, product_id, option_id,
                                       subscription_group_id, card_id, status, amount, currency, interval,
                                       interval_count, current_period_start, current_period_end, trial_end,
                                       ends_at, created_at, updated_at)
            VALUES (:id, :accountId, :customerId, :orderId, :productId, :optionId, :groupId, :cardId, :status,
                    :amount, :currency, :interval, :intervalCount, :now, :periodEnd, :trialEnd, :endsAt, :now, :now)
            """)
            .param("id", id)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("orderId", orderId)
            .param("productId", product.id())
            .param("optionId", option.id())
            .param("groupId", product.subscriptionGroupId())
            .param("cardId", cardId)
            .param("status", trial ? "trialing" : "active")
            .param("amount", option.amount())
            .param("currency", option.currency())
            .param("interval", interval)
            .param("intervalCount", option.intervalCount())
            .param("now", Timestamps.of(now))
            .param("periodEnd", Timestamps.of(periodEnd))
            .param("trialEnd", trial ? Timestamps.of(periodEnd) : null)
            .param("endsAt", Timestamps.of(endsAt))
            .update();
        var subscription = get(accountId, id);
        schedule.subscriptionPeriod(accountId, subscription);
        return subscription;
    }

    Subscription lockForUpdate(String accountId, String id) {
        return db.sql("SELECT * FROM subscriptions WHERE account_id = :accountId AND id = :id FOR NO KEY UPDATE")
            .param("accountId", accountId)
            .param("id", id)
            .query(SUBSCRIPTION)
            .optional()
            // Another account's id is not found either.
            .orElseThrow(() -> TillException.notFound("subscription", id));
    }

    void setStatus(String accountId, String id, String status, Instant now) {
        db.sql("""
            UPDATE subscriptions SET status = :status, updated_at = :now, version = version + 1,
                   canceled_at = CASE WHEN :status = 'canceled' THEN CAST(:now AS timestamptz) ELSE canceled_at END
             WHERE account_id = :accountId AND id = :id
            """)
            .param("status", status)
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    /** Remembers whether the cancellation at period end was asked with {@code skip_automations}. */
    void setCancelSkipsAutomations(String accountId, String id, boolean skip) {
        db.sql("UPDATE subscriptions SET cancel_skip_automations = :skip WHERE account_id = :accountId AND id = :id")
            .param("skip", skip)
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    /** Records why and by whom the subscription is being canceled. */
    void setCancellation(String accountId, String id, Cancellation cancellation, Instant now) {
        db.sql("""
            UPDATE subscriptions SET cancel_reason = :reason, cancel_reason_text = :text, canceled_by = :by,
                   canceled_by_who = :who, cancel_requested_at = :now
             WHERE account_id = :accountId AND id = :id
            """)
            .param("reason", cancellation.reason())
            .param("text", cancellation.text())
            .param("by", cancellation.by().code())
            .param("who", cancellation.who())
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    /** Forgets a cancellation the buyer (or staff) took back. */
    void clearCancellation(String accountId, String id) {
        db.sql("""
            UPDATE subscriptions SET cancel_reason = NULL, cancel_reason_text = NULL, canceled_by = NULL,
                   canceled_by_who = NULL, cancel_requested_at = NULL, cancel_skip_automations = false
             WHERE account_id = :accountId AND id = :id
            """)
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    /**
     * Which of these subscriptions ended owing: an invoice of theirs was voided as they ended (its unpaid invoice when a
     * fixed term ran out), so that a term run out did not complete ({@link Subscription#shownStatus(boolean)}). A bill
     * written off along the way by staff or the API does not count.
     */
    public java.util.Set<String> endedOwing(String accountId, java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return java.util.Set.of();
        }
        return java.util.Set.copyOf(db.sql("""
            SELECT DISTINCT i.subscription_id
              FROM invoices i
              JOIN subscriptions s ON s.account_id = i.account_id AND s.id = i.subscription_id
             WHERE i.account_id = :accountId AND i.subscription_id = ANY(:ids) AND i.status = 'void' AND %s
            """.formatted(Subscription.ENDED_OWING))
            .param("accountId", accountId)
            .param("ids", ids.toArray(String[]::new))
            .query(String.class)
            .list());
    }

    /** Who on the seller's side canceled it and whether automations were skipped, for its staff record. */
    record CancelNote(String who, boolean skippedAutomations) {}

    CancelNote cancelNote(String accountId, String id) {
        return db.sql("""
            SELECT canceled_by_who, cancel_skip_automations FROM subscriptions
             WHERE account_id = :accountId AND id = :id
            """)
            .param("accountId", accountId)
            .param("id", id)
            .query((rs, row) -> new CancelNote(rs.getString("canceled_by_who"), rs.getBoolean(
                "cancel_skip_automations")))
            .single();
    }

    boolean cancelSkipsAutomations(String accountId, String id) {
        return db.sql("SELECT cancel_skip_automations FROM subscriptions WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(Boolean.class)
            .single();
    }

    void setCard(String accountId, String id, String cardId, Instant now) {
        db.sql("""
            UPDATE subscriptions SET card_id = :cardId, updated_at = :now, version = version + 1
             WHERE account_id = :accountId AND id = :id
            """)
            .param("cardId", cardId)
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    /**
     * Starts its periods again at {@code restart}, billed then (its renewal is due at once), after its period ended
     * while it was paused or unpaid; a fixed term ends as many renewals later as it had left. Its periods keep the
     * restart's day of the month from then on.
     */
    void restartPeriods(String accountId, Subscription subscription, Instant restart) {
        db.sql("""
            UPDATE subscriptions SET current_period_end = :restart, ends_at = :endsAt, updated_at = :restart,
                   periods_restarted_at = :restart, version = version + 1
             WHERE account_id = :accountId AND id = :id
            """)
            .param("restart", Timestamps.of(restart))
            .param("endsAt", Timestamps.of(subscription.termEndRestartedAt(restart)))
            .param("accountId", accountId)
            .param("id", subscription.id())
            .update();
    }

    void advancePeriod(String accountId, String id, Instant start, Instant end, Instant now) {
        db.sql("""
            UPDATE subscriptions SET current_period_start = :start, current_period_end = :end, updated_at = :now,
                   version = version + 1
             WHERE account_id = :accountId AND id = :id
            """)
            .param("start", Timestamps.of(start))
            .param("end", Timestamps.of(end))
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    public Subscription get(String accountId, String id) {
        return find(accountId, id).orElseThrow(() -> TillException.notFound("subscription", id));
    }

    public Optional<Subscription> find(String accountId, String id) {
        return db.sql("SELECT * FROM subscriptions WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(SUBSCRIPTION)
            .optional();
    }

    /** The subscription if it is this customer's: a buyer never learns whether another customer's id exists. */
    public Subscription getForCustomer(String accountId, String customerId, String id) {
        return db
            .sql("SELECT * FROM subscriptions WHERE account_id = :accountId AND customer_id = :customerId AND id = :id")
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("id", id)
            .query(SUBSCRIPTION)
            .optional()
            .orElseThrow(() -> TillException.notFound("subscription", id));
    }

    /** The account's subscriptions that still have something to announce: trialing, active or past due. */
    java.util.List<Subscription> announced(String accountId) {
        return db.sql("""
            SELECT * FROM subscriptions
             WHERE account_id = :accountId AND status IN ('trialing', 'active', 'past_due')
             ORDER BY id
            """)
            .param("accountId", accountId)
            .query(SUBSCRIPTION)
            .list();
    }

    /** The customer's subscriptions a card still pays (all but the canceled ones), oldest first. */
    java.util.List<Subscription> stillBilled(String accountId, String customerId) {
        return db.sql("""
            SELECT * FROM subscriptions
             WHERE account_id = :accountId AND customer_id = :customerId AND status <> 'canceled'
             ORDER BY id
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .query(SUBSCRIPTION)
            .list();
    }

    Page<Subscription> list(String accountId, String customerId, PageRequest page) {
        return list(accountId, RecordFilter.ofCustomer(customerId), page);
    }

    /**
     * The customer's subscriptions that are not over (all but the canceled ones, as {@link Subscription#isCurrent}),
     * newest first: filtered before the page is cut, so that one still billed is listed whatever ended after it.
     */
    Page<Subscription> listCurrent(String accountId, String customerId, PageRequest page) {
        return CustomerRecordLists.newestFirst(db, "subscriptions", "status <> 'canceled'", accountId,
            RecordFilter.ofCustomer(customerId), page, SUBSCRIPTION, Subscription::id);
    }

    Page<Subscription> list(String accountId, RecordFilter filter, PageRequest page) {
        return CustomerRecordLists.newestFirst(db, "subscriptions", accountId, filter, page, SUBSCRIPTION,
            Subscription::id);
    }
}
