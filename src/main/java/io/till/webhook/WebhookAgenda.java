package io.till.webhook;

import io.till.shared.Agenda;
import io.till.shared.TillClock;
import io.till.shared.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Webhook work as one agenda: events to fan out to endpoints, and deliveries whose attempt is due. The background
 * workers do the same continuously; the sandbox test clock and tests call {@link #runDue}.
 */
@Component
public class WebhookAgenda implements Agenda {

    static final int EVENT_BATCH = 500;

    private final WebhookDeliveries deliveries;
    private final WebhookDispatcher dispatcher;
    private final TillClock clock;
    private final JdbcClient db;

    WebhookAgenda(WebhookDeliveries deliveries, WebhookDispatcher dispatcher, TillClock clock, JdbcClient db) {
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.db = db;
    }

    @Override
    public Optional<Instant> nextDue() {
        if (deliveries.eventsWaiting()) {
            return Optional.of(clock.instant());
        }
        return deliveries.nextDue();
    }

    /** Fans out events and sends due deliveries until nothing more is due now; returns how much was done. */
    @Override
    public int runDue() {
        catchUpWithTestClock();
        int total = 0;
        while (true) {
            int done = matchEvents() + dispatcher.runRound();
            total += done;
            if (done == 0) {
                return total;
            }
        }
    }

    int matchEvents() {
        return deliveries.matchEvents(EVENT_BATCH, Timestamps.now(clock));
    }

    int sendDue() {
        return dispatcher.runRound();
    }

    /** Another node may have moved the sandbox clock; this node follows before deciding what is due. */
    void catchUpWithTestClock() {
        clock.catchUp(Duration.ofMillis(db.sql("SELECT offset_ms FROM test_clock WHERE id = 1")
            .query(Long.class)
            .single()));
    }
}
