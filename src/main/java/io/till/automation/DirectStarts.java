package io.till.automation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.till.automation.engine.Program;
import io.till.automation.engine.Schedules;
import io.till.customer.Customers;
import io.till.idempotency.RequestEffects;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Starts executions that no event causes: schedules that fell due, and runs by hand. Keyed like an event's start
 * (automation and trigger), so a schedule fired by two nodes starts once.
 */
@Component
class DirectStarts {

    private static final Logger log = LoggerFactory.getLogger(DirectStarts.class);

    /** How long a scheduled automation whose version cannot be read waits before it is read again. */
    static final Duration UNREADABLE_WAIT = Duration.ofHours(1);

    private final JdbcClient db;
    private final JsonMapper json;
    private final Clock clock;
    private final Programs programs;
    private final Executions executions;
    private final ExecutionQueue queue;
    private final ExecutionContexts contexts;
    private final Customers customers;
    private final StartRules rules;
    private final Counter executionsStarted;
    private final RequestEffects effects;

    DirectStarts(JdbcClient db, JsonMapper json, Clock clock, Programs programs, Executions executions,
        ExecutionQueue queue, ExecutionContexts contexts, Customers customers, StartRules rules, MeterRegistry meters,
        RequestEffects effects) {
        this.rules = rules;
        this.effects = effects;
        this.db = db;
        this.json = json;
        this.clock = clock;
        this.programs = programs;
        this.executions = executions;
        this.queue = queue;
        this.contexts = contexts;
        this.customers = customers;
        // The same counter as Triggers' (a meter is registered once per name).
        this.executionsStarted = Counter.builder("till.automation.executions.started")
            .description("Executions started").register(meters);
    }

    /**
     * Fires the schedules that fell due. After downtime a schedule fires once, for the time it fell due, and then
     * next after now, rather than once per missed time. A paused automation's schedule waits: resumed, it fires next
     * after the resume ({@link Automations}), never for a time that passed while it was paused.
     */
    @Transactional
    public int fireSchedules(int limit) {
        Instant now = Timestamps.now(clock);
        record Due(String automationId, String accountId, int version, Instant anchor, Instant dueAt,
            String definition) {}
        var due = db.sql("""
            SELECT s.automation_id, s.account_id, s.version, s.anchor, s.next_fire_at, v.definition
              FROM automation_schedules s
              JOIN automations a ON a.id = s.automation_id
              JOIN automation_versions v ON v.automation_id = s.automation_id AND v.version = s.version
             WHERE s.next_fire_at <= :now AND NOT a.paused
             ORDER BY s.next_fire_at
             LIMIT :limit
               FOR UPDATE OF s SKIP LOCKED
            """)
            .param("now", Timestamps.of(now))
            .param("limit", limit)
            .query((rs, row) -> new Due(rs.getString("automation_id"), rs.getString("account_id"),
                rs.getInt("version"), Timestamps.read(rs, "anchor"), Timestamps.read(rs, "next_fire_at"),
                rs.getString("definition")))
            .list();
        var starts = new ArrayList<ExecutionQueue.NewExecution>();
        for (Due schedule : due) {
            Program program;
            Instant next;
            try {
                program = programs.of(schedule.automationId(), schedule.version(),
                    json.readTree(schedule.definition()));
                next = Schedules.next(((Definition.Trigger.OnSchedule) program.definition().trigger()).schedule(),
                    schedule.anchor(), now);
            } catch (RuntimeException unreadable) {
                // A version this Till cannot read (altered in the database, or saved by a Till that read it otherwise):
                // it waits, and is read again later, rather than failing the whole batch, which came back first with
                // it every time and fired no account's schedule again.
                log.error("Scheduled automation {} (version {}) cannot be read; it is tried again in {}",
                    schedule.automationId(), schedule.version(), UNREADABLE_WAIT, unreadable);
                next = now.plus(UNREADABLE_WAIT);
                program = null;
            }
            db.sql("UPDATE automation_schedules SET next_fire_at = :next WHERE automation_id = :id")
                .param("next", Timestamps.of(next))
                .param("id", schedule.automationId())
                .update();
            if (program == null) {
                continue;
            }
            ObjectNode snapshot = json.createObjectNode().putNull("id").put("type", "schedule").putNull("customer_id")
                .put("occurred_at", now.toString());
            snapshot.putObject("data").put("scheduled_at", schedule.dueAt().toString());
            if (conditionsHold(program, schedule.accountId(), snapshot)) {
                starts.add(new ExecutionQueue.NewExecution(Executions.newId(), schedule.accountId(),
                    schedule.automationId(), schedule.version(), "schedule:" + schedule.dueAt(), snapshot, null));
            }
        }
        executionsStarted.increment(queue.start(starts, now).size());
        return due.size();
    }

    /**
     * Whether a schedule's conditions hold; a value they cannot read skips that one time, said in the log, as the
     * matcher skips an event's start, rather than failing every schedule due with it.
     */
    private boolean conditionsHold(Program program, String accountId, ObjectNode snapshot) {
        try {
            return contexts.conditionsHold(program, accountId, null, snapshot);
        } catch (DataAccessException e) {
            // The database's doing, not the schedule's: the batch is tried again as a whole.
            throw e;
        } catch (RuntimeException e) {
            log.warn("Scheduled automation {} could not decide whether its conditions hold; this time is skipped",
                program.automationId(), e);
            return false;
        }
    }

    /**
     * Starts the active version by hand, optionally for a customer and with data; conditions still apply, and so do
     * {@code limit} and {@code concurrency} for a run about a customer: a seller who wrote "at most once a month per
     * customer" means it whoever starts the run, so a run past them is refused with the rule's reason, as the
     * matcher's trace gives it. A run about no customer is held by neither (both count per customer).
     */
    @Transactional
    public Execution runManually(String accountId, String automationId, String customerId, JsonNode data) {
        var earlier = effects.recordedBefore("execution");
        if (earlier.isPresent()) {
            // Started by an earlier attempt of this keyed request, which never got to answer (a crash, a 5xx).
            return executions.get(accountId, earlier.get());
        }
        record Active(Integer version, boolean paused, boolean archived, String definition) {}
        var active = db.sql("""
            SELECT a.active_version, a.paused, a.archived_at IS NOT NULL AS archived, v.definition
              FROM automations a
              LEFT JOIN automation_versions v ON v.automation_id = a.id AND v.version = a.active_version
             WHERE a.account_id = :accountId AND a.id = :id
            """)
            .param("accountId", accountId)
            .param("id", automationId)
            .query((rs, row) -> new Active(rs.getObject("active_version", Integer.class), rs.getBoolean("paused"),
                rs.getBoolean("archived"), rs.getString("definition")))
            .optional()
            .orElseThrow(() -> TillException.notFound("automation", automationId));
        if (active.archived()) {
            throw new TillException(ErrorCode.INVALID_STATE, "The automation is archived: it runs no more.");
        }
        if (active.version() == null) {
            throw new TillException(ErrorCode.INVALID_STATE, "The automation has no active version: activate one "
                + "first.");
        }
        if (active.paused()) {
            throw new TillException(ErrorCode.INVALID_STATE, "The automation is paused: resume it first.");
        }
        if (customerId != null && customers.find(accountId, customerId).isEmpty()) {
            throw TillException.invalid("customer_id", "not_found", "no customer " + customerId + " in this account");
        }
        contexts.othersRecordIn(accountId, customerId, data).ifPresent(others -> {
            throw TillException.invalid("data." + others.getKey() + ".id", "another_customer", others.getValue());
        });
        Program program = programs.of(automationId, active.version(), json.readTree(active.definition()));
        Instant now = Timestamps.now(clock);
        String id = Executions.newId();
        ObjectNode snapshot = json.createObjectNode().putNull("id").put("type", "manual").put("customer_id",
            customerId).put("occurred_at", now.toString());
        snapshot.set("data", data == null || data.isNull() ? json.createObjectNode() : data);
        if (!contexts.conditionsHold(program, accountId, customerId, snapshot)) {
            throw new TillException(ErrorCode.INVALID_STATE, "The automation's conditions do not hold for this "
                + "run, so it was not started.");
        }
        var start = new ExecutionQueue.NewExecution(id, accountId, automationId, program.version(), "manual:" + id,
            snapshot, customerId);
        // Under the lock the matcher takes for this automation and customer, so that a run by hand and an event's
        // start decided at the same moment see each other.
        var byId = Map.of(automationId, program);
        rules.lock(List.of(start), byId, List.of());
        var admitted = rules.admit(List.of(start), byId, now, List.of(), Map.of());
        if (!admitted.refused().isEmpty()) {
            throw new TillException(ErrorCode.INVALID_STATE, admitted.refused().getFirst().reason());
        }
        queue.start(admitted.kept(), now);
        effects.recorded("execution", id);
        executionsStarted.increment();
        return executions.get(accountId, id);
    }
}
