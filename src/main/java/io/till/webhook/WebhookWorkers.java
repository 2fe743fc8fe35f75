package io.till.webhook;

import io.till.event.EventSignal;
import io.till.shared.TestClockSync;
import io.till.shared.WorkerThreads;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The webhook loops on this node: one fans new events out to endpoints as soon as they commit (and polls for those
 * other nodes record), and {@code workers} loops claim and send due deliveries. Any number of nodes may run them.
 */
@Component
@EnableConfigurationProperties(WebhookSettings.class)
class WebhookWorkers implements SmartLifecycle {

    private final WebhookAgenda agenda;
    private final TestClockSync testClock;
    private final EventSignal events;
    private final EventSignal work = new EventSignal();
    private final WebhookSettings settings;
    private final WorkerThreads loops = new WorkerThreads("Webhook delivery");

    WebhookWorkers(WebhookAgenda agenda, TestClockSync testClock, EventSignal events, WebhookSettings settings) {
        this.agenda = agenda;
        this.testClock = testClock;
        this.events = events;
        this.settings = settings;
    }

    @Override
    public void start() {
        if (!settings.workersEnabled()) {
            return;
        }
        testClock.catchUp();
        loops.start("till-webhook-matcher", this::matchEvents);
        for (int i = 0; i < settings.workers(); i++) {
            loops.start("till-webhook-sender-" + i, this::send);
        }
    }

    /** Also follows the sandbox clock, at most once per poll, so that the senders need not ask each round. */
    private void matchEvents() throws InterruptedException {
        long seen = events.webhookGeneration();
        int matched = testClock.round(() -> {
            testClock.catchUp();
            return agenda.matchEvents();
        });
        if (matched > 0) {
            work.fire();
            events.gatherAfter(matched);
        } else {
            events.awaitWebhookRowsAfter(seen, settings.pollInterval());
        }
    }

    private void send() throws InterruptedException {
        long seen = work.generation();
        if (testClock.round(agenda::sendDue) == 0) {
            work.awaitAfter(seen, settings.pollInterval());
        }
    }

    @Override
    public void stop() {
        loops.stop();
    }

    @Override
    public boolean isRunning() {
        return loops.running();
    }

    /** Stops before the web server and the database, so that a round in flight can write back. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1000;
    }
}
