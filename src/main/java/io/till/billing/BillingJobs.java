package io.till.billing;

import io.till.shared.Ids;
import io.till.shared.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The billing clock's agenda. A job is named by its kind, subject and due time, so scheduling it twice is harmless;
 * nodes claim due jobs in due order with {@code FOR UPDATE SKIP LOCKED} and a lease, and only the holder of the lease
 * can mark a job done.
 */
@Repository
public class BillingJobs {

    /** Far longer than any job takes; a job still leased after this belonged to a node that died. */
    static final Duration LEASE = Duration.ofMinutes(2);

    private final JdbcClient db;

    BillingJobs(JdbcClient db) {
        this.db = db;
    }

    public enum Kind {
        SUBSCRIPTION_RENEWAL,
        SUBSCRIPTION_RENEWAL_UPCOMING,
        SUBSCRIPTION_TRIAL_ENDING,
        SUBSCRIPTION_ENDING_SOON,
        PLAN_INSTALLMENT,
        PLAN_PAYMENT_UPCOMING,
        INVOICE_RETRY,
        INVOICE_OVERDUE,
        CARD_EXPIRING,
        CARD_EXPIRED,
        /** Two hours after a purchase with upsells: its flow is complete, answered or not. */
        CHECKOUT_FLOW_GRACE,
        /** Ten minutes after a purchase: if it is still pending (its answer from the gateway was lost), settle it. */
        ORDER_SETTLEMENT,
        /** Ten minutes after a refund was asked: if it is still pending (its answer was lost), settle it. */
        REFUND_SETTLEMENT,
        /**
         * Ten minutes after an upsell's accept claimed its charge (named by the charge's key): if the offer is still
         * held by it (the accept was cut off and never retried), settle it from the gateway's word.
         */
        UPSELL_SETTLEMENT,
        /**
         * When the hold of an invoice's charge that went to the gateway runs out (named by the invoice): if the charge
         * is still not recorded (its answer was lost), record it from the gateway's word.
         */
        INVOICE_CHARGE_SETTLEMENT;

        /**
         * Jobs that may bring money in run before the notices due at the same moment: a retry that succeeds makes the
         * "overdue" notice due with it moot.
         */
        boolean collectsMoney() {
            return this == SUBSCRIPTION_RENEWAL || this == PLAN_INSTALLMENT || this == INVOICE_RETRY
                || this == ORDER_SETTLEMENT || this == UPSELL_SETTLEMENT || this == INVOICE_CHARGE_SETTLEMENT;
        }
    }

    record Job(String id, String accountId, Kind kind, String subjectId, Instant dueAt, Instant lease) {}

    /**
     * Puts a job on the agenda; scheduling the same one again changes nothing, except that a retry, a renewal or an
     * installment already done at that very instant is armed again: a card change at the moment of a scheduled retry
     * deserves its own attempt, and a subscription paid up (or a plan reactivated) at the moment its skipped renewal
     * (installment) was due must still bill it. Each decides from the current state of the invoice, period or plan, so
     * running again can never double a charge.
     */
    public void schedule(String accountId, Kind kind, String subjectId, Instant dueAt) {
        db.sql("""
            INSERT INTO billing_jobs (id, account_id, kind, subject_id, due_at)
            VALUES (:id, :accountId, :kind, :subjectId, :dueAt)
            ON CONFLICT (kind, subject_id, due_at) DO UPDATE SET done_at = NULL, locked_until = NULL
             WHERE billing_jobs.kind IN ('INVOICE_RETRY', 'SUBSCRIPTION_RENEWAL', 'PLAN_INSTALLMENT')
               AND billing_jobs.done_at IS NOT NULL
            """)
            .param("id", Ids.newId("job"))
            .param("accountId", accountId)
            .param("kind", kind.name())
            .param("subjectId", subjectId)
            .param("dueAt", Timestamps.of(dueAt))
            .update();
    }

    /** Takes the jobs of this kind for this subject off the agenda: another job (or staff) did what they were for. */
    void cancelPending(String accountId, Kind kind, String subjectId, Instant now) {
        db.sql("""
            UPDATE billing_jobs SET done_at = :now
             WHERE account_id = :accountId AND kind = :kind AND subject_id = :subjectId AND done_at IS NULL
            """)
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("kind", kind.name())
            .param("subjectId", subjectId)
            .update();
    }

    /** Puts many notices on the agenda in one statement; those already there stay as they are. */
    void scheduleAll(String accountId, List<BillingSchedule.Notice> notices) {
        if (notices.isEmpty()) {
            return;
        }
        db.sql("""
            INSERT INTO billing_jobs (id, account_id, kind, subject_id, due_at)
            SELECT n.id, :accountId, n.kind, n.subject_id, n.due_at
              FROM unnest(CAST(:ids AS text[]), CAST(:kinds AS text[]), CAST(:subjects AS text[]),
                          CAST(:dues AS timestamptz[])) AS n (id, kind, subject_id, due_at)
            ON CONFLICT (kind, subject_id, due_at) DO NOTHING
            """)
            .param("accountId", accountId)
            .param("ids", notices.stream().map(n -> Ids.newId("job")).toArray(String[]::new))
            .param("kinds", notices.stream().map(n -> n.kind().name()).toArray(String[]::new))
            .param("subjects", notices.stream().map(BillingSchedule.Notice::subjectId).toArray(String[]::new))
            .param("dues", notices.stream().map(n -> n.at().toString()).toArray(String[]::new))
            .update();
    }

    /** Claims up to {@code limit} due jobs for this node, earliest first. */
    List<Job> claimDue(Instant now, int limit) {
        return claimDue(now, limit, null, null);
    }

    /**
     * Claims the due jobs of one kind for one subject that no node holds: a request that must tell its outcome at once
     * runs them itself, under the same lease as the clock, so that the clock can never run them a second time.
     */
    List<Job> claimDueFor(Kind kind, String subjectId, Instant now) {
        return claimDue(now, 50, kind, subjectId);
    }

    private List<Job> claimDue(Instant now, int limit, Kind kind, String subjectId) {
        Instant lease = now.plus(LEASE);
        return db.sql("""
            UPDATE billing_jobs j
               SET locked_until = :lease, attempts = attempts + 1
              FROM (SELECT id FROM billing_jobs
                     WHERE done_at IS NULL AND due_at <= :now AND (locked_until IS NULL OR locked_until < :now)
                       AND (CAST(:kind AS text) IS NULL OR (kind = :kind AND subject_id = :subjectId))
                     ORDER BY due_at, CASE WHEN kind IN ('SUBSCRIPTION_RENEWAL', 'PLAN_INSTALLMENT', 'INVOICE_RETRY')
                                           THEN 0 ELSE 1 END, id
                     LIMIT :limit
                     FOR UPDATE SKIP LOCKED) due
             WHERE j.id = due.id
            RETURNING j.id, j.account_id, j.kind, j.subject_id, j.due_at
            """)
            .param("lease", Timestamps.of(lease))
            .param("now", Timestamps.of(now))
            .param("limit", limit)
            .param("kind", kind == null ? null : kind.name())
            .param("subjectId", subjectId)
            .query((rs, row) -> new Job(rs.getString("id"), rs.getString("account_id"),
                Kind.valueOf(rs.getString("kind")), rs.getString("subject_id"), Timestamps.read(rs, "due_at"), lease))
            .list()
            .stream()
            .sorted(java.util.Comparator.comparing(Job::dueAt)
                .thenComparing(job -> job.kind().collectsMoney() ? 0 : 1)
                .thenComparing(Job::id))
            .toList();
    }

    /** Whether a job of this kind for this subject is due by {@code now} and not done yet. */
    public boolean isDue(String accountId, Kind kind, String subjectId, Instant now) {
        return db.sql("""
            SELECT EXISTS (SELECT 1 FROM billing_jobs
                            WHERE account_id = :accountId AND kind = :kind AND subject_id = :subjectId
                              AND done_at IS NULL AND due_at <= :now)
            """)
            .param("accountId", accountId)
            .param("kind", kind.name())
            .param("subjectId", subjectId)
            .param("now", Timestamps.of(now))
            .query(Boolean.class)
            .single();
    }

    /** When the next job of this kind for this subject is due, if one is on the agenda and not done. */
    Optional<Instant> nextDue(String accountId, Kind kind, String subjectId) {
        return db.sql("""
            SELECT due_at FROM billing_jobs
             WHERE account_id = :accountId AND kind = :kind AND subject_id = :subjectId AND done_at IS NULL
             ORDER BY due_at
             LIMIT 1
            """)
            .param("accountId", accountId)
            .param("kind", kind.name())
            .param("subjectId", subjectId)
            .query((rs, row) -> Timestamps.read(rs, "due_at"))
            .optional();
    }

    /**
     * The job, still this node's and not done, with its lease renewed from {@code now}, as it is about to run; empty
     * when it was done meanwhile (an invoice paid or charged by staff cancels its pending retries) or another node took
     * it over (a batch that ran past its lease). A job claimed in a batch waits its turn: it ran all the same, and an
     * invoice's retry charged again the card its canceled twin had just found declined.
     */
    Optional<Job> stillHeld(Job job, Instant now) {
        Instant lease = now.plus(LEASE);
        int renewed = db.sql("""
            UPDATE billing_jobs SET locked_until = :renewed
             WHERE id = :id AND locked_until = :lease AND done_at IS NULL
            """)
            .param("renewed", Timestamps.of(lease))
            .param("id", job.id())
            .param("lease", Timestamps.of(job.lease()))
            .update();
        return renewed == 1
            ? Optional.of(new Job(job.id(), job.accountId(), job.kind(), job.subjectId(), job.dueAt(), lease))
            : Optional.empty();
    }

    /** Marks the job done, unless its lease was lost to another node meanwhile. */
    boolean complete(Job job, Instant now) {
        return db.sql("""
            UPDATE billing_jobs SET done_at = :now, locked_until = NULL
             WHERE id = :id AND locked_until = :lease AND done_at IS NULL
            """)
            .param("now", Timestamps.of(now))
            .param("id", job.id())
            .param("lease", Timestamps.of(job.lease()))
            .update() == 1;
    }

    /**
     * Leaves a failed job to be tried again later, noting why it failed: after 1, 2, 4 … minutes, at most a day, so
     * that a job failing for good (a gateway down for hours, a bug) neither spins nor is ever dropped.
     */
    void fail(Job job, String error, Instant now) {
        db.sql("""
            UPDATE billing_jobs
               SET last_error = :error,
                   -- 2^11 minutes is past a day already: a larger power would overflow the interval (after about
                   -- four weeks of daily failures) and fail this very statement, leaving the job to spin.
                   locked_until = CAST(:now AS timestamptz)
                                  + least(interval '1 minute' * power(2, least(attempts - 1, 11)), interval '1 day')
             WHERE id = :id AND locked_until = :lease
            """)
            .param("error", error.length() > 2000 ? error.substring(0, 2000) : error)
            .param("now", Timestamps.of(now))
            .param("id", job.id())
            .param("lease", Timestamps.of(job.lease()))
            .update();
    }

    /**
     * Leaves a job that could not be done yet, through no fault of its own (another charge of its invoice was at the
     * gateway), to be claimed again at {@code at}: the claim it made does not count as an attempt.
     */
    void later(Job job, Instant at) {
        db.sql("""
            UPDATE billing_jobs SET locked_until = :at, attempts = attempts - 1
             WHERE id = :id AND locked_until = :lease
            """)
            .param("at", Timestamps.of(at))
            .param("id", job.id())
            .param("lease", Timestamps.of(job.lease()))
            .update();
    }

    /**
     * When the next job can be claimed, across all accounts: a job that failed waits out its backoff (it is leased
     * until then), so the sandbox test clock retries it at that time rather than waiting on it.
     */
    Optional<Instant> nextDue() {
        return db.sql("""
            SELECT min(greatest(due_at, locked_until + interval '1 microsecond')) AS next
              FROM billing_jobs WHERE done_at IS NULL
            """)
            .query((rs, row) -> Optional.ofNullable(Timestamps.read(rs, "next")))
            .single();
    }

    long pending(String accountId) {
        return db.sql("SELECT count(*) FROM billing_jobs WHERE account_id = :accountId AND done_at IS NULL")
            .param("accountId", accountId)
            .query(Long.class)
            .single();
    }
}
