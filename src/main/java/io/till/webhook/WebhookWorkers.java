package io.till.webhook;

import io.till.event.EventSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger log = LoggerFactory.getLogger(WebhookWorkers.class);
    private static final Duration BACKOFF_AFTER_ERROR = Duration.ofSeconds(1);

    private final WebhookAgenda agenda;
    private final EventSignal events;
    private final EventSignal work = new EventSignal();
    private final WebhookSettings settings;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    WebhookWorkers(WebhookAgenda agenda, EventSignal events, WebhookSettings settings) {
        this.agenda = agenda;
        this.events = events;
        this.settings = settings;
    }

    @Override
    public void start() {
        if (!settings.workersEnabled()) {
            return;
        }
        running = true;
        threads.add(Thread.ofPlatform().name("till-webhook-matcher").daemon().start(this::matchEvents));
        for (int i = 0; i < settings.workers(); i++) {
            threads.add(Thread.ofPlatform().name("till-webhook-sender-" + i).daemon().start(this::send));
        }
    }

    private void matchEvents() {
        while (running) {
            long seen = events.generation();
            try {
                if (agenda.matchEvents() > 0) {
                    work.fire();
                    continue;
                }
                events.awaitAfter(seen, settings.pollInterval());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                pauseAfter(e);
            }
        }
    }

    private void send() {
        while (running) {
            long seen = work.generation();
            try {
                agenda.catchUpWithTestClock();
                if (agenda.sendDue() == 0) {
                    work.awaitAfter(seen, settings.pollInterval());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                pauseAfter(e);
            }
        }
    }

    private void pauseAfter(RuntimeException e) {
        if (!running) {
            return;
        }
        log.warn("Webhook delivery hit an error and tries again in a second: {}", e.toString());
        LockSupport.parkNanos(BACKOFF_AFTER_ERROR.toNanos());
    }

    @Override
    public void stop() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server and the database, so that a round in flight can write back. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1000;
    }
}
