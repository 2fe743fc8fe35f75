package io.till.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.webhook.Receiver;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What the chaos suite proves once the work has ended, read from the shared database and the peers' records. */
final class ChaosChecks {

    private final JdbcClient db;
    private final ChaosShop shop;

    ChaosChecks(JdbcClient db, ChaosShop shop) {
        this.db = db;
        this.shop = shop;
    }

    int dunningEnded() {
        return count("""
            SELECT count(*) FROM executions WHERE automation_id = :dunning AND status IN ('succeeded', 'failed')
            """);
    }

    /** Every recorded event matched, every run it started ended, and at least {@code produced} events recorded. */
    boolean allEnded(int produced) {
        return count("SELECT count(*) FROM event_inbox") == 0
            && count("SELECT count(*) FROM events WHERE type = 'chaos.collect'") >= produced
            && count("SELECT count(*) FROM events WHERE type = 'chaos.collect'") == runs(shop.collect())
            && causedBy(shop.collect()) == runs(shop.dunning())
            && count("""
                SELECT count(*) FROM executions WHERE automation_id IN (:collect, :dunning)
                   AND status NOT IN ('succeeded', 'failed', 'canceled')
                """) == 0;
    }

    boolean webhooksDelivered() {
        return count(
            "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = :endpoint AND status = 'pending'") == 0
            && count("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = :endpoint") == runs(shop.dunning());
    }

    String progress() {
        return "chaos.collect events " + count("SELECT count(*) FROM events WHERE type = 'chaos.collect'")
            + ", inbox " + count("SELECT count(*) FROM event_inbox") + ", collect runs " + runs(shop.collect())
            + ", payment.failed from them " + causedBy(shop.collect()) + ", dunning runs " + runs(shop.dunning())
            + ", unfinished " + count("""
                SELECT count(*) FROM executions WHERE automation_id IN (:collect, :dunning)
                   AND status NOT IN ('succeeded', 'failed', 'canceled')""")
            + ", pending webhooks " + count("""
                SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = :endpoint AND status = 'pending'""");
    }

    /** The figures of a run that passed every check. */
    record Figures(int acknowledged, int recorded, int paymentFailed, int collectRuns, int dunningRuns, int charges,
        int chargeWaits, int webhooks, int webhookRepeats, int emails, int emailRepeats, int lost, int doubled) {

        String report(ChaosTest.Faults faults, Map<String, Integer> refusals, Duration took) {
            return """
                events acknowledged: %d (recorded %d), payment.failed: %d, runs: %d collect + %d dunning
                charges: %d (waits for another charge of the same invoice: %d)
                webhooks: %d (+%d repeats with the same webhook-id), emails: %d (+%d repeats)
                kills: %d, SIGSTOPs: %d (late writes refused), DB restarts: %d%s, requests not acknowledged: %s
                lost=%d doubled=%d duration=%ds
                """.formatted(acknowledged, recorded, paymentFailed, collectRuns, dunningRuns, charges, chargeWaits,
                webhooks, webhookRepeats, emails, emailRepeats, faults.kills, faults.sigstops, faults.databaseRestarts,
                ChaosTest.RESTART_DATABASE ? "" : " (skipped: till.chaos.restart-database=false)",
                new java.util.TreeMap<>(refusals), lost,
                doubled, took.toSeconds());
        }
    }

    Figures verify(Set<String> acknowledged, List<Receiver.Request> received, MimeMessage[] mails,
        ZombiePhase.Outcome zombie) throws MessagingException {
        // No acknowledged row is lost, and each acknowledged event started its run.
        var recorded = new HashSet<>(db.sql("SELECT id FROM events WHERE type = 'chaos.collect'").query(String.class)
            .list());
        var lost = new HashSet<>(acknowledged);
        lost.removeAll(recorded);
        assertThat(lost).as("acknowledged events missing after the crashes").isEmpty();
        var runByEvent = pairs("SELECT trigger_key, id FROM executions WHERE automation_id = :collect");
        assertThat(runByEvent.keySet()).as("every recorded chaos.collect event has its collect run")
            .containsExactlyInAnyOrderElementsOf(recorded);
        // Every declined collect made one payment.failed, and every one of those its dunning run.
        var failedByCollect = db.sql("""
            SELECT ev.id FROM events ev JOIN executions x ON x.id = ev.data -> 'caused_by' ->> 'execution_id'
             WHERE ev.type = 'payment.failed' AND x.automation_id = :collect
            """).param("collect", shop.collect()).query(String.class).list();
        assertThat(failedByCollect).as("one payment.failed per collect run").hasSameSizeAs(recorded);
        var dunningByEvent = pairs("SELECT trigger_key, id FROM executions WHERE automation_id = :dunning");
        assertThat(dunningByEvent.keySet()).as("every payment.failed of a collect run has its dunning run")
            .containsExactlyInAnyOrderElementsOf(failedByCollect);
        // Every run ended, and ended well: a declined charge is an outcome, not an error.
        var unsuccessful = db.sql("""
            SELECT id || ' ' || status || ' ' || coalesce(CAST(error AS text), '') FROM executions
             WHERE automation_id IN (:collect, :dunning) AND status <> 'succeeded'
            """).param("collect", shop.collect()).param("dunning", shop.dunning()).query(String.class).list();
        assertThat(unsuccessful).as("runs that did not succeed").isEmpty();
        // No step of any run was logged twice for one attempt: a late write changed nothing. (A retry that found
        // another charge of its invoice at the gateway waited, as often as it had to, without spending an attempt:
        // those lines say "waiting", and only the outcome counts.)
        assertThat(db.sql("""
            SELECT s.execution_id || ':' || s.step_id || '#' || s.attempt FROM execution_steps s
              JOIN executions x ON x.id = s.execution_id
             WHERE x.automation_id IN (:collect, :dunning) AND s.status <> 'waiting'
             GROUP BY s.execution_id, s.step_id, s.attempt HAVING count(*) > 1
            """).param("collect", shop.collect()).param("dunning", shop.dunning()).query(String.class).list())
            .as("steps logged twice").isEmpty();
        assertThat(db.sql("""
            SELECT count(*) FROM execution_steps WHERE execution_id = :id AND idempotency_key = :key
               AND status <> 'waiting'
            """).param("id", zombie.execution()).param("key", zombie.chargeKey().substring("automation:".length()))
            .query(Integer.class).single()).as("the step the zombie held, logged once").isEqualTo(1);

        // The sandbox ledger: exactly one charge per run's retry step, each recorded once as a payment.
        var expectedKeys = new HashSet<String>();
        runByEvent.values().forEach(id -> expectedKeys.add("automation:" + id + ":collect"));
        dunningByEvent.values().forEach(id -> expectedKeys.add("automation:" + id + ":retry"));
        var ledger = db.sql("SELECT idempotency_key FROM sandbox_charges WHERE idempotency_key LIKE 'automation:%'")
            .query(String.class).list();
        assertThat(ledger).as("automation charges in the sandbox ledger").containsExactlyInAnyOrderElementsOf(
            expectedKeys);
        var payments = db.sql("SELECT idempotency_key FROM payments WHERE idempotency_key LIKE 'automation:%'")
            .query(String.class).list();
        assertThat(payments).as("payments recorded for automation charges").containsExactlyInAnyOrderElementsOf(
            expectedKeys);

        // Every webhook-id was received, and a repeat only ever carried the same id and body.
        var deliveries = pairs("SELECT webhook_id, status FROM webhook_deliveries WHERE endpoint_id = :endpoint");
        assertThat(deliveries).hasSize(dunningByEvent.size());
        assertThat(new HashSet<>(deliveries.values())).containsOnly("succeeded");
        Map<String, Set<String>> bodies = new HashMap<>();
        received.forEach(request -> bodies.computeIfAbsent(request.header("webhook-id"), id -> new HashSet<>())
            .add(request.body()));
        assertThat(bodies.keySet()).as("webhook-ids received").containsExactlyInAnyOrderElementsOf(deliveries
            .keySet());
        assertThat(bodies.values().stream().filter(b -> b.size() > 1).toList()).as("ids repeated with another body")
            .isEmpty();

        // One email per dunning run; a repeat carries the same key.
        var mailKeys = new ArrayList<String>();
        for (MimeMessage mail : mails) {
            mailKeys.add(mail.getHeader("X-Till-Idempotency-Key", null));
        }
        assertThat(new HashSet<>(mailKeys)).as("emails by idempotency key").containsExactlyInAnyOrderElementsOf(
            dunningByEvent.values().stream().map(id -> id + ":mail").collect(Collectors.toSet()));

        int paymentFailed = count("SELECT count(*) FROM events WHERE type = 'payment.failed'");
        int doubled = (ledger.size() - new HashSet<>(ledger).size()) + (payments.size() - new HashSet<>(payments)
            .size());
        return new Figures(acknowledged.size(), recorded.size(), paymentFailed, runByEvent.size(), dunningByEvent
            .size(), ledger.size(),
            count("SELECT count(*) FROM execution_steps WHERE status = 'waiting' AND kind = "
                + "'action'"),
            deliveries.size(), received.size() - bodies.size(),
            new HashSet<>(mailKeys)
                .size(),
            mailKeys.size() - new HashSet<>(mailKeys).size(), lost.size(), doubled);
    }

    private Map<String, String> pairs(String sql) {
        var pairs = new HashMap<String, String>();
        db.sql(sql).params(params()).query((rs, row) -> pairs.put(rs.getString(1), rs.getString(2))).list();
        return pairs;
    }

    private int runs(String automation) {
        return db.sql("SELECT count(*) FROM executions WHERE automation_id = :id").param("id", automation)
            .query(Integer.class).single();
    }

    private int causedBy(String automation) {
        return db.sql("""
            SELECT count(*) FROM events ev JOIN executions x ON x.id = ev.data -> 'caused_by' ->> 'execution_id'
             WHERE ev.type = 'payment.failed' AND x.automation_id = :id
            """).param("id", automation).query(Integer.class).single();
    }

    private int count(String sql) {
        return db.sql(sql).params(params()).query(Integer.class).single();
    }

    private Map<String, Object> params() {
        return Map.of("collect", shop.collect(), "dunning", shop.dunning(), "endpoint", shop.endpoint());
    }
}
