package io.till.webhook;

import io.till.egress.EgressClient;
import io.till.event.EventSignal;
import io.till.shared.TestClockSync;
import io.till.shared.WorkerThreads;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The webhook loops on this node: one fans new events out to endpoints as soon as they commit (and polls for those
 * other nodes record), and {@code workers} senders ({@link WebhookSender}) each keep up to a batch of attempts on the
 * wire, sharing one count of the calls open to each host. Any number of nodes may run them.
 */
@Component
@EnableConfigurationProperties(WebhookSettings.class)
class WebhookWorkers implements SmartLifecycle {

    private final WebhookAgenda agenda;
    private final WebhookDispatcher dispatcher;
    private final TestClockSync testClock;
    private final EventSignal events;
    private final WebhookSettings settings;
    private final WorkerThreads loops = new WorkerThreads("Webhook delivery");
    private final List<WebhookSender> senders = new ArrayList<>();

    WebhookWorkers(WebhookAgenda agenda, WebhookDispatcher dispatcher, TestClockSync testClock, EventSignal events,
        WebhookSettings settings) {
        this.agenda = agenda;
        this.dispatcher = dispatcher;
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
        senders.clear();
        var hosts = new HostCalls(EgressClient.MAX_CALLS_PER_HOST);
        for (int i = 0; i < settings.workers(); i++) {
            senders.add(new WebhookSender(dispatcher, testClock, hosts, settings.batchSize(), settings.pollInterval()));
        }
        loops.start("till-webhook-matcher", this::matchEvents);
        for (int i = 0; i < senders.size(); i++) {
            loops.start("till-webhook-sender-" + i, senders.get(i)::turn);
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
            senders.forEach(WebhookSender::wake);
            events.gatherAfter(matched);
        } else {
            events.awaitWebhookRowsAfter(seen, settings.pollInterval());
        }
    }

    @Override
    public void stop() {
        loops.stop();
        senders.forEach(WebhookSender::abandon);
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
