package io.till.automation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.till.automation.engine.Program;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The automation-level rules a start must pass, beyond its trigger and conditions (PRODUCT.md §4): {@code limit}, at
 * most so many runs per customer in a period, and {@code concurrency}, one run per customer (or record) at a time.
 * Decided in the matcher's transaction, in the batch's order (an earlier event of the batch counts), under the locks
 * of {@link #lock}, so that two matchers deciding for the same customer at once decide one after the other.
 */
@Component
class StartRules {

    private final JdbcClient db;
    private final Counter limited;
    private final Counter concurrent;

    StartRules(JdbcClient db, MeterRegistry meters) {
        this.db = db;
        this.limited = Counter.builder("till.automation.executions.limited")
            .description("Runs not started because the automation's limit per customer was reached")
            .register(meters);
        this.concurrent = Counter.builder("till.automation.executions.concurrent")
            .description("Runs not started because another run for the same customer or record had not ended")
            .register(meters);
    }

    /** An automation and customer whose starts these rules decide. */
    private record Key(String accountId, String automationId, String customerId) {}

    /**
     * Locks, until the matcher's transaction ends, each automation and customer this batch decides something about:
     * the starts these rules hold to, the starts of automations that cancel on events, and the cancels its events
     * ask for. In one statement and one order, so that two matchers deciding for the same customer take turns and
     * never wait for each other in a circle: one then sees what the other started or canceled.
     */
    void lock(List<ExecutionQueue.NewExecution> starts, Map<String, Program> programs,
        List<EventCancels.Candidate> cancels) {
        var keys = new java.util.TreeSet<>(Comparator.comparing(Key::accountId).thenComparing(Key::automationId)
            .thenComparing(Key::customerId));
        for (var start : starts) {
            Program program = programs.get(start.automationId());
            if (start.customerId() != null && program != null
                && (ruled(program) || !program.definition().cancelOn().isEmpty())) {
                keys.add(key(start));
            }
        }
        cancels.forEach(cancel -> keys.add(new Key(cancel.accountId(), cancel.automationId(), cancel.customerId())));
        if (keys.isEmpty()) {
            return;
        }
        db.sql("""
            SELECT pg_advisory_xact_lock(hashtextextended(k.account_id || '/' || k.automation_id || '/'
                                                          || k.customer_id, 0))
              FROM unnest(CAST(:accounts AS text[]), CAST(:automations AS text[]), CAST(:customers AS text[]))
                   WITH ORDINALITY AS k(account_id, automation_id, customer_id, n)
             ORDER BY k.n
            """)
            .param("accounts", keys.stream().map(Key::accountId).toArray(String[]::new))
            .param("automations", keys.stream().map(Key::automationId).toArray(String[]::new))
            .param("customers", keys.stream().map(Key::customerId).toArray(String[]::new))
            .query()
            .listOfRows();
    }

    /** A start these rules held back, and why, as the event's match trace says it. */
    record Refused(ExecutionQueue.NewExecution start, String reason) {}

    /** The starts kept, in their order, and those held back. */
    record Admitted(List<ExecutionQueue.NewExecution> kept, List<Refused> refused) {}

    /**
     * What holds a customer's (or record's) one run at a time: a run that has not ended, or one a start of this batch
     * makes.
     */
    private sealed interface Holder {
        record Open(String runId) implements Holder {}

        record Started(ExecutionQueue.NewExecution run) implements Holder {}
    }

    /**
     * Decides the starts, in the batch's order; {@code programs} by automation id. A run that an earlier event of the
     * batch ends ({@code cancels}: {@code endedBy} for the runs already open, {@link EventCancels.Candidate#ends} for
     * those the batch starts) no longer holds its customer for the starts after that event: the event ends it first.
     */
    Admitted admit(List<ExecutionQueue.NewExecution> starts, Map<String, Program> programs, Instant now,
        List<EventCancels.Candidate> cancels, Map<String, String> endedBy) {
        var ruled = starts.stream()
            .filter(start -> start.customerId() != null && ruled(programs.get(start.automationId())))
            .toList();
        if (ruled.isEmpty()) {
            return new Admitted(starts, List.of());
        }
        var keys = ruled.stream().map(StartRules::key).distinct().toList();
        Map<Key, Long> inPeriod = new HashMap<>();
        Map<String, List<Holder>> open = new HashMap<>();
        db.sql("""
            SELECT k.account_id, k.automation_id, k.customer_id,
                   count(x.id) FILTER (WHERE x.created_at > k.since) AS runs,
                   array_agg(coalesce(x.trigger -> 'data' -> k.record ->> 'id', '') ORDER BY x.id)
                       FILTER (WHERE x.status IN ('pending', 'running', 'waiting')) AS open,
                   array_agg(x.id ORDER BY x.id)
                       FILTER (WHERE x.status IN ('pending', 'running', 'waiting')) AS open_ids
              FROM unnest(CAST(:accounts AS text[]), CAST(:automations AS text[]), CAST(:customers AS text[]),
                          CAST(:since AS timestamptz[]), CAST(:records AS text[]))
                   AS k(account_id, automation_id, customer_id, since, record)
              JOIN executions x ON x.account_id = k.account_id AND x.customer_id = k.customer_id
                               AND x.automation_id = k.automation_id
             WHERE x.created_at > k.since OR x.status IN ('pending', 'running', 'waiting')
             GROUP BY k.account_id, k.automation_id, k.customer_id
            """)
            .param("accounts", keys.stream().map(Key::accountId).toArray(String[]::new))
            .param("automations", keys.stream().map(Key::automationId).toArray(String[]::new))
            .param("customers", keys.stream().map(Key::customerId).toArray(String[]::new))
            .param("since", keys.stream().map(key -> since(programs.get(key.automationId()), now).toString())
                .toArray(String[]::new))
            .param("records", keys.stream().map(key -> programs.get(key.automationId()).definition()
                .concurrencyRecord()).toArray(String[]::new))
            .query((rs, row) -> {
                var key = new Key(rs.getString("account_id"), rs.getString("automation_id"),
                    rs.getString("customer_id"));
                inPeriod.put(key, rs.getLong("runs"));
                var records = rs.getArray("open");
                if (records != null) {
                    Object[] recordIds = (Object[]) records.getArray();
                    Object[] runIds = (Object[]) rs.getArray("open_ids").getArray();
                    for (int i = 0; i < recordIds.length; i++) {
                        open.computeIfAbsent(concurrencyKey(key, (String) recordIds[i]), k -> new ArrayList<>())
                            .add(new Holder.Open((String) runIds[i]));
                    }
                }
                return key;
            })
            .list();
        var kept = new ArrayList<ExecutionQueue.NewExecution>();
        var refused = new ArrayList<Refused>();
        for (var start : starts) {
            Program program = start.customerId() == null ? null : programs.get(start.automationId());
            if (!ruled(program)) {
                kept.add(start);
                continue;
            }
            var key = key(start);
            var limit = program.definition().limit();
            if (limit != null && inPeriod.getOrDefault(key, 0L) >= limit.runs()) {
                limited.increment();
                refused.add(new Refused(start, "Its limit was reached: at most " + limit.runs() + " run"
                    + (limit.runs() == 1 ? "" : "s") + " per customer every " + TriggerSentence.duration(limit.per())
                    + "."));
                continue;
            }
            if (program.definition().concurrency() != null) {
                String record = program.definition().concurrencyRecord();
                String id = recordId(start, record);
                var holders = open.computeIfAbsent(concurrencyKey(key, id), k -> new ArrayList<>());
                if (holders.stream().anyMatch(holder -> !endedBefore(holder, start, cancels, endedBy))) {
                    concurrent.increment();
                    refused.add(new Refused(start, "Another of its runs for the same " + sameWhat(record, id)
                        + " had not ended: it runs one at a time."));
                    continue;
                }
                holders.add(new Holder.Started(start));
            }
            inPeriod.merge(key, 1L, Long::sum);
            kept.add(start);
        }
        return new Admitted(kept, refused);
    }

    /** Whether an event of the batch before {@code start}'s own ends what {@code holder} holds. */
    private static boolean endedBefore(Holder holder, ExecutionQueue.NewExecution start,
        List<EventCancels.Candidate> cancels, Map<String, String> endedBy) {
        return switch (holder) {
            case Holder.Open open -> {
                String event = endedBy.get(open.runId());
                yield event != null && event.compareTo(start.triggerKey()) < 0;
            }
            case Holder.Started started -> cancels.stream()
                .anyMatch(cancel -> cancel.eventId().compareTo(start.triggerKey()) < 0 && cancel.ends(started.run()));
        };
    }

    /**
     * Why {@code run} (an ended run asked to go on: a retry) may not run now: another run of its automation for the same
     * customer (or record) has not ended, and it runs one at a time. Empty when nothing holds it. Call it under
     * {@link #lock}, as a start is decided.
     */
    Optional<String> heldBy(ExecutionQueue.NewExecution run, Program program) {
        if (run.customerId() == null || program.definition().concurrency() == null) {
            return Optional.empty();
        }
        String record = program.definition().concurrencyRecord();
        String id = recordId(run, record);
        return db.sql("""
            SELECT id FROM executions
             WHERE account_id = :accountId AND automation_id = :automationId AND customer_id = :customerId
               AND status IN ('pending', 'running', 'waiting') AND id <> :id
               AND (CAST(:record AS text) IS NULL
                    OR coalesce(trigger -> 'data' -> CAST(:record AS text) ->> 'id', '') = :recordId)
             LIMIT 1
            """)
            .param("accountId", run.accountId())
            .param("automationId", run.automationId())
            .param("customerId", run.customerId())
            .param("id", run.id())
            .param("record", record)
            .param("recordId", id)
            .query(String.class)
            .optional()
            .map(other -> "Another of its runs for the same " + sameWhat(record, id) + " has not ended (" + other
                + "): it runs one at a time.");
    }

    /** The id of the record a run is about, as one at a time per that record reads it; empty when none. */
    private static String recordId(ExecutionQueue.NewExecution run, String record) {
        return record == null || run.trigger() == null
            ? ""
            : run.trigger().path("data").path(record).path("id").asString("");
    }

    /** What one at a time is counted per, in words: "customer", "invoice (inv_1)". */
    private static String sameWhat(String record, String id) {
        return record == null ? "customer" : record.replace('_', ' ') + (id.isEmpty() ? "" : " (" + id + ")");
    }

    private static boolean ruled(Program program) {
        return program != null
            && (program.definition().limit() != null || program.definition().concurrency() != null);
    }

    private static Key key(ExecutionQueue.NewExecution start) {
        return new Key(start.accountId(), start.automationId(), start.customerId());
    }

    /** Runs created after this count toward the limit; without a limit, none. */
    private static Instant since(Program program, Instant now) {
        var limit = program.definition().limit();
        return limit == null || limit.per() == null ? now : now.minus(limit.per());
    }

    private static String concurrencyKey(Key key, String recordId) {
        return key.automationId() + "/" + key.customerId() + "/" + recordId;
    }
}
