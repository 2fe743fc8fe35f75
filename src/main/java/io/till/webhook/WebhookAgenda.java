package io.till.webhook;

import io.till.shared.Agenda;
import io.till.shared.TestClockSync;
import io.till.shared.TillClock;
import io.till.shared.Timestamps;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Webhook work as one agenda: events to fan out to endpoints, and deliveries whose attempt is due. The background
 * workers do the same continuously; the sandbox test clock and tests call {@link #runDue}.
 */
@Component
public class WebhookAgenda implements Agenda {

    static final int EVENT_BATCH = 500;

    private final WebhookDeliveries deliveries;
    private final WebhookFeed feed;
    private final WebhookDispatcher dispatcher;
    private final TillClock clock;
    private final TestClockSync testClock;

    WebhookAgenda(WebhookDeliveries deliveries, WebhookFeed feed, WebhookDispatcher dispatcher, TillClock clock,
        TestClockSync testClock) {
        this.deliveries = deliveries;
        this.feed = feed;
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.testClock = testClock;
    }

    @Override
    public Optional<Instant> nextDue() {
        if (feed.eventsWaiting()) {
            return Optional.of(clock.instant());
        }
        return deliveries.nextDue(clock.instant());
    }

    @Override
    public void clockMoved(Instant from, Instant to) {
        deliveries.keepLeases(from, to);
    }

    /** Fans out events and sends due deliveries until nothing more is due now; returns how much was done. */
    @Override
    public int runDue() {
        testClock.catchUp();
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
        return feed.matchEvents(EVENT_BATCH, Timestamps.now(clock));
    }

    int sendDue() {
        return dispatcher.runRound();
    }
}
