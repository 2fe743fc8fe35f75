package io.till.webhook;

import io.till.egress.ConnectionFailure;
import io.till.egress.EgressClient;
import io.till.egress.EgressClient.Outcome.Answered;
import io.till.egress.EgressClient.Outcome.Refused;
import io.till.egress.EgressClient.Outcome.Unreachable;
import io.till.shared.RealTime;
import io.till.shared.Timestamps;
import io.till.shared.WriteBack;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends due deliveries: claims a batch, makes one attempt for each concurrently (outside any transaction), and writes
 * the outcomes back. What follows an answer is {@link RetryPolicy}'s to decide.
 */
@Component
class WebhookDispatcher {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    /** Payloads larger than this are refused: receivers commonly cap request bodies around here. */
    static final int MAX_PAYLOAD = 256 * 1024;

    private final WebhookDeliveries deliveries;
    private final WebhookEndpoints endpoints;
    private final EgressClient egress;
    private final WebhookSettings settings;
    private final Clock clock;
    /** Receivers check {@code webhook-timestamp} against their own clock, which the sandbox test clock does not move. */
    private final Clock realTime;

    WebhookDispatcher(WebhookDeliveries deliveries, WebhookEndpoints endpoints, EgressClient egress,
        WebhookSettings settings, Clock clock, @RealTime Clock realTime) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.egress = egress;
        this.settings = settings;
        this.clock = clock;
        this.realTime = realTime;
    }

    /** How long answers wait to be written back together: a few milliseconds, as River's batch completer does. */
    static final Duration FLUSH_EVERY = Duration.ofMillis(20);

    /** Said on a delivery held by {@link #unsigned}. */
    static final String SECRET_UNOPENED = "not sent: the endpoint's signing secret cannot be opened with this Till's "
        + "master key (TILL_MASTER_KEY, or master.key in the data directory), which is not the one it was sealed with; "
        + "it is tried again every few minutes and goes, signed, once the key is set back";

    private static final Duration SECRET_UNOPENED_WAIT = Duration.ofMinutes(5);

    /**
     * Claims and sends one batch, and returns once every attempt has ended; returns how many deliveries it handled.
     * What the sandbox test clock and tests run; the background senders ({@link WebhookSender}) do not wait for a
     * batch's slowest receiver.
     */
    int runRound() {
        var claim = claim(settings.batchSize());
        var toSend = claim.toSend();
        if (toSend.isEmpty()) {
            return claim.count();
        }
        // Each answer is written back within moments of coming in, not once the round's slowest receiver has answered:
        // a node that dies meanwhile leaves to its lease only the attempts still on the wire, never one a receiver
        // had answered (which would be sent again, with the same webhook-id, but twice).
        var answered = new LinkedBlockingQueue<WebhookDeliveries.Outcome>();
        var sending = Executors.newVirtualThreadPerTaskExecutor();
        var futures = new ArrayList<Future<?>>(toSend.size());
        for (var delivery : toSend) {
            futures.add(sending.submit(() -> answered.add(attempt(delivery))));
        }
        // Gathered for the next write; what a shutdown's interrupt finds here is written back below, with the rest.
        var gathering = new ArrayList<WebhookDeliveries.Outcome>();
        try {
            int written = 0;
            while (futures.stream().anyMatch(future -> !future.isDone())) {
                var first = answered.poll(FLUSH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                // The answers of the next few milliseconds go with it: one write for a burst, not one per answer.
                gathering.add(first);
                long deadline = System.nanoTime() + FLUSH_EVERY.toNanos();
                for (long left = FLUSH_EVERY.toNanos(); written + gathering.size() < toSend.size()
                    && left > 0; left = deadline - System.nanoTime()) {
                    var next = answered.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    gathering.add(next);
                }
                answered.drainTo(gathering);
                written += writeBack(gathering);
                gathering = new ArrayList<>();
            }
        } catch (InterruptedException stopping) {
            // A shutdown: the attempts still on the wire are cut short (each ends as an attempt that got no answer),
            // and what the receivers answered is written back below.
            Thread.currentThread().interrupt();
        } finally {
            sending.close();
        }
        for (var future : futures) {
            if (future.state() == Future.State.FAILED) {
                // Left claimed: it comes due again when the lease ends.
                log.warn("A webhook attempt failed unexpectedly", future.exceptionNow());
            }
        }
        answered.drainTo(gathering);
        if (!gathering.isEmpty()) {
            writeBack(gathering);
        }
        return claim.count();
    }

    /** How many deliveries a claim took, and those of them to send now. */
    record Claim(int count, List<WebhookDeliveries.Claimed> toSend) {}

    /**
     * Claims up to {@code limit} due deliveries, each under a lease; those of an endpoint disabled meanwhile are held
     * rather than sent (see {@link #endpointDisabled}).
     */
    Claim claim(int limit) {
        var claimed = deliveries.claim(UUID.randomUUID(), limit, Timestamps.now(clock), settings.lease());
        var held = claimed.stream().filter(WebhookDispatcher::endpointDisabled).toList();
        if (held.isEmpty()) {
            return new Claim(claimed.size(), claimed);
        }
        deliveries.hold(held, Timestamps.now(clock));
        return new Claim(claimed.size(), claimed.stream().filter(delivery -> !endpointDisabled(delivery)).toList());
    }

    /**
     * Writes back {@code outcomes}; answers how many. What the receivers answered is kept even when the pool is dry for
     * a moment, or the node is stopping.
     */
    int writeBack(List<WebhookDeliveries.Outcome> outcomes) {
        WriteBack.onceConnected(settings.lease(), outcomes.size() + " webhook deliveries",
            () -> deliveries.save(outcomes, Timestamps.now(clock)));
        return outcomes.size();
    }

    /**
     * A delivery not sent because Till already had as many calls open to its host as it makes: not one of its ten
     * attempts (a burst to one receiver would use them up unsent), and due again in moments.
     */
    WebhookDeliveries.Outcome notSent(WebhookDeliveries.Claimed delivery) {
        double jitter = ThreadLocalRandom.current().nextDouble();
        return new WebhookDeliveries.Outcome(delivery, "pending",
            Timestamps.now(clock).plusMillis(Math.round(5_000 * (1 + jitter))), null,
            ConnectionFailure.BUSY.sentence(), null);
    }

    /**
     * A delivery whose endpoint's signing secret this node cannot open (Till started with another master key than the
     * one the secret was sealed with, or the stored value was altered): never sent unsigned, and not one of its
     * attempts (nothing reached the receiver, and the fault is Till's setting, not the receiver's), but due again in a
     * few minutes with the reason on the delivery, so that it goes, signed, once the key is set back, and nothing is
     * lost meanwhile.
     */
    private WebhookDeliveries.Outcome unsigned(WebhookDeliveries.Claimed delivery, RuntimeException unopened) {
        log.error("Webhook delivery {} not sent: the signing secret of endpoint {} cannot be opened ({}); is "
            + "TILL_MASTER_KEY (or the data directory's master.key) the one Till started with before?", delivery.id(),
            delivery.endpointId(), unopened.getMessage());
        double jitter = ThreadLocalRandom.current().nextDouble();
        return new WebhookDeliveries.Outcome(delivery, "pending",
            Timestamps.now(clock).plus(SECRET_UNOPENED_WAIT).plusMillis(Math.round(30_000 * jitter)), null,
            SECRET_UNOPENED, null);
    }

    /**
     * The outcome of an attempt the node cut short as it stopped (its call interrupted, read as no answer): logged, but
     * due again at once, never moved along the schedule nor exhausted by it, and said as what it was, not blamed on the
     * receiver. An attempt that got an answer, or was refused or not sent, is its own outcome.
     */
    WebhookDeliveries.Outcome cutShort(WebhookDeliveries.Outcome outcome) {
        var made = outcome.attempt();
        if (made == null || outcome.responseStatus() != null || outcome.status().equals("succeeded")
            || outcome.status().equals("failed")) {
            return outcome;
        }
        String error = "cut short: this node stopped during the attempt, which is made again";
        return new WebhookDeliveries.Outcome(outcome.claimed(), "pending", Timestamps.now(clock), null, error,
            new WebhookDelivery.Attempt(made.attempt(), made.url(), made.requestHeaders(), null, null,
                made.durationMs(), error, made.attemptedAt()));
    }

    /**
     * A disabled endpoint's deliveries wait for it to be enabled again, rather than fail: disabling is often for a
     * moment (a receiver being moved), and a 410 may come from a receiver that is back later.
     */
    private static boolean endpointDisabled(WebhookDeliveries.Claimed delivery) {
        return delivery.endpointId() != null && !"enabled".equals(delivery.endpointStatus());
    }

    /** Makes one attempt of {@code delivery}; never throws for anything the receiver does. */
    WebhookDeliveries.Outcome attempt(WebhookDeliveries.Claimed delivery) {
        Instant now = Timestamps.now(clock);
        int number = delivery.attemptCount() + 1;
        long timestamp = realTime.instant().getEpochSecond();
        var headers = new LinkedHashMap<String, String>();
        headers.put("content-type", "application/json");
        headers.put("webhook-id", delivery.webhookId());
        headers.put("webhook-timestamp", Long.toString(timestamp));
        if (delivery.sealedSecret() != null) {
            List<String> secrets;
            try {
                secrets = endpoints.signingSecrets(delivery.endpointId(), delivery.sealedSecret(),
                    delivery.retiredSecrets(), realTime.instant());
            } catch (IllegalStateException | IllegalArgumentException unopened) {
                return unsigned(delivery, unopened);
            }
            headers.put("webhook-signature", WebhookSignatures.header(secrets, delivery.webhookId(), timestamp,
                delivery.payload()));
        }
        byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
        if (body.length > MAX_PAYLOAD) {
            log.warn("Webhook delivery {} not sent: its payload of {} bytes is over {}", delivery.id(), body.length,
                MAX_PAYLOAD);
            String error = "payload_too_large: " + body.length + " bytes, at most " + MAX_PAYLOAD;
            return new WebhookDeliveries.Outcome(delivery, "failed", null, null, error, attempt(number, delivery,
                headers, null, null, 0, error, now));
        }
        var sent = new LinkedHashMap<>(headers);
        sent.remove("content-type");
        var outcome = egress.post(delivery.url(), sent, body, "application/json");
        double jitter = ThreadLocalRandom.current().nextDouble();
        Instant after = Timestamps.now(clock);
        return switch (outcome) {
            case Answered answered -> {
                var next = RetryPolicy.afterAnswer(answered.status(), answered.headers().get("retry-after"), number,
                    after, realTime.instant(), jitter);
                String error = next.status().equals("succeeded") ? null : "HTTP " + answered.status();
                yield new WebhookDeliveries.Outcome(delivery, next.status(), next.nextAttemptAt(), answered.status(),
                    error, attempt(number, delivery, headers, answered.status(), answered.body(),
                        answered.durationMs(), error, now));
            }
            case Refused refused -> new WebhookDeliveries.Outcome(delivery, "failed", null, null,
                "refused: " + refused.reason(), attempt(number, delivery, headers, null, null, refused.durationMs(),
                    "refused: " + refused.reason(), now));
            // Never sent: Till had as many calls open to the host as it makes (others, not the senders, had them).
            case Unreachable unreachable when unreachable.kind() == ConnectionFailure.BUSY -> notSent(delivery);
            case Unreachable unreachable -> {
                var next = RetryPolicy.afterNoAnswer(number, after, jitter);
                yield new WebhookDeliveries.Outcome(delivery, next.status(), next.nextAttemptAt(), null,
                    unreachable.error(), attempt(number, delivery, headers, null, null, unreachable.durationMs(),
                        unreachable.error(), now));
            }
        };
    }

    private static WebhookDelivery.Attempt attempt(int number, WebhookDeliveries.Claimed delivery,
        Map<String, String> headers, Integer status, String body, long durationMs, String error, Instant at) {
        return new WebhookDelivery.Attempt(number, delivery.url(), new LinkedHashMap<>(headers), status, body,
            durationMs,
            error, at);
    }
}
