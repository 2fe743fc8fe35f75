package io.till.automation;

import io.till.automation.engine.Program;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Starts a run of an automation for an event that came before it listened (activated, changed or resumed after the
 * event), on staff's word: "Start it for this event" on the event's page. A seller who tested a new dunning automation
 * on a real failed payment, then activated it, can have it take care of that payment too. What the matcher would
 * refuse is refused here as well (its trigger, scope, conditions, limit, one at a time, an event staff asked to pass
 * quietly, one its own steps raised; and a run a later event it cancels on already ends, which the matcher would end
 * at once: a dunning run for a payment paid since would mail a customer who paid), and an event starts an automation at most once: the matcher's key, (automation,
 * event), keeps a second start from happening, whoever asks.
 */
@Component
class EventStarts {

    private final JdbcClient db;
    private final JsonMapper json;
    private final Clock clock;
    private final Automations automations;
    private final Programs programs;
    private final DryRuns dryRuns;
    private final StartRules rules;
    private final ExecutionQueue queue;
    private final Executions executions;
    private final TransactionTemplate transaction;
    private final CauseChains causes;
    private final EventCancels cancels;

    EventStarts(JdbcClient db, JsonMapper json, Clock clock, Automations automations, Programs programs,
        DryRuns dryRuns, StartRules rules, ExecutionQueue queue, Executions executions,
        TransactionTemplate transaction, CauseChains causes, EventCancels cancels) {
        this.causes = causes;
        this.cancels = cancels;
        this.db = db;
        this.json = json;
        this.clock = clock;
        this.automations = automations;
        this.programs = programs;
        this.dryRuns = dryRuns;
        this.rules = rules;
        this.queue = queue;
        this.executions = executions;
        this.transaction = transaction;
    }

    /**
     * An event as the matcher reads it: its snapshot, and what keeps automations from it; {@code causedBy} is the
     * run whose step raised it, if one did.
     */
    private record Stored(ObjectNode snapshot, String customerId, boolean skipAutomations, String causedBy,
        boolean erased) {}

    /** A run for an event; {@code now}: started by this call, not one the event had. */
    record Started(Execution run, boolean now) {}

    /** The run of {@code automationId} for {@code eventId}: the one it had, or one started now. */
    Started start(String accountId, String automationId, String eventId) {
        Automation automation = automations.get(accountId, automationId);
        if (automation.archivedAt() != null) {
            throw refused("The automation is archived: it runs no more.");
        }
        if (automation.activeVersion() == null) {
            throw refused("The automation has no active version: activate one first.");
        }
        if (automation.paused()) {
            throw refused("The automation is paused: resume it first.");
        }
        var program = programs.get(automationId, automation.activeVersion());
        if (!(program.definition().trigger() instanceof Definition.Trigger.OnEvent)) {
            throw refused("The automation does not start on events.");
        }
        Stored event = stored(accountId, eventId);
        var had = ranFor(accountId, automationId, eventId);
        if (had.isPresent()) {
            return new Started(had.get(), false);
        }
        if (event.erased()) {
            throw erased(event);
        }
        if (event.skipAutomations()) {
            throw refused("Staff asked for this event to pass quietly (skip_automations): it starts no automation.");
        }
        var ownChain = CauseChains.refusal(automationId, causes.behind(accountId, event.causedBy()));
        if (ownChain.isPresent()) {
            throw refused(ownChain.get());
        }
        var tried = dryRuns.run(accountId, program, event.snapshot());
        if (tried.status().equals("not_started")) {
            throw refused("It does not start on this event: " + tried.error().path("message").asString("")
                .replaceFirst("^would not start: ", "") + ".");
        }
        if (tried.status().equals("skipped")) {
            throw refused("Its conditions do not hold for this event, so it was not started.");
        }
        Instant now = Timestamps.now(clock);
        var start = new ExecutionQueue.NewExecution(Executions.newId(), accountId, automationId, program.version(),
            eventId, event.snapshot(), event.customerId());
        Map<String, Program> byId = Map.of(automationId, program);
        List<String> inserted = transaction.execute(status -> {
            rules.lock(List.of(start), byId, List.of());
            var admitted = rules.admit(List.of(start), byId, now, List.of(), Map.of());
            if (!admitted.refused().isEmpty()) {
                throw refused(admitted.refused().getFirst().reason());
            }
            var written = queue.start(admitted.kept(), now);
            // Decided on the run inserted, under the lock of its automation and customer, as the matcher decides:
            // a cancel event matched meanwhile by another node is seen by one of the two. Refused, it rolls back.
            String endedBy = written.isEmpty() ? null : cancels.endedAlready(List.of(start), byId).get(start.id());
            if (endedBy != null) {
                throw refused("A later event already ends its runs: " + type(accountId, endedBy) + " (" + endedBy
                    + "), which it cancels on, was recorded after this event, so it was not started.");
            }
            return written;
        });
        // Started now, or by another click a moment before: the one run for this event either way; none when its
        // customer was erased meanwhile.
        var run = ranFor(accountId, automationId, eventId).orElseThrow(() -> erased(event));
        return new Started(run, inserted.contains(start.id()));
    }

    private Optional<Execution> ranFor(String accountId, String automationId, String eventId) {
        return executions.startedBy(accountId, eventId).stream()
            .filter(run -> run.automationId().equals(automationId))
            .findFirst();
    }

    private String type(String accountId, String eventId) {
        return db.sql("SELECT type FROM events WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", eventId)
            .query(String.class)
            .single();
    }

    private Stored stored(String accountId, String eventId) {
        return db.sql("""
            SELECT e.id, e.type, e.customer_id, e.occurred_at, e.data,
                   coalesce(e.data ->> 'skip_automations' = 'true', false) AS skip_automations,
                   e.data -> 'caused_by' ->> 'execution_id' AS caused_by, e.erased
              FROM events e
             WHERE e.account_id = :accountId AND e.id = :id
            """)
            .param("accountId", accountId)
            .param("id", eventId)
            .query((rs, row) -> new Stored(Triggers.snapshot(json, rs), rs.getString("customer_id"),
                rs.getBoolean("skip_automations"), rs.getString("caused_by"), rs.getBoolean("erased")))
            .optional()
            .orElseThrow(() -> TillException.notFound("event", eventId));
    }

    private static TillException erased(Stored event) {
        return refused("The personal data of customer " + event.customerId() + " was erased after this event: "
            + "their runs were canceled, and the events they had start no more.");
    }

    private static TillException refused(String why) {
        return new TillException(ErrorCode.INVALID_STATE, why);
    }
}
