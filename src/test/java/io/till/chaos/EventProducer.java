package io.till.chaos;

import io.till.testing.Api;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * Posts the {@code chaos.collect} events in batches to whichever node answers, as a client would: a batch counts as
 * acknowledged only on a 201, and one that failed (the node died, the database was away) is sent again to the next
 * node. It posts without an Idempotency-Key: a batch whose answer was lost may then be recorded twice, which the checks
 * allow (every recorded event must be worked off, acknowledged or not); with a key, the retry would wait out the key's
 * in-flight lease after a crash. It keeps at most {@code window} events ahead of the finished dunning runs, so that
 * events keep arriving while the faults happen.
 */
final class EventProducer implements Runnable {

    private final List<Api> nodes;
    private final String apiKey;
    private final List<String> invoices;
    private final int total;
    private final int batch;
    private final int window;
    private final IntSupplier finished;
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicInteger produced = new AtomicInteger();
    private final Map<String, Integer> refusals = new ConcurrentSkipListMap<>();
    private volatile Throwable failure;

    EventProducer(List<Api> nodes, String apiKey, List<String> invoices, int total, int batch, int window,
        IntSupplier finished) {
        this.nodes = nodes;
        this.apiKey = apiKey;
        this.invoices = invoices;
        this.total = total;
        this.batch = batch;
        this.window = window;
        this.finished = finished;
    }

    @Override
    public void run() {
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
            int node = 0;
            while (produced.get() < total) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not post all events; acknowledged " + produced.get());
                }
                if (produced.get() - finishedOrZero() >= window) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                    continue;
                }
                int size = Math.min(batch, total - produced.get());
                if (post(nodes.get(node % nodes.size()), size)) {
                    produced.addAndGet(size);
                } else {
                    if (node % nodes.size() == nodes.size() - 1) {
                        // No node took it: the database is away or all are restarting.
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                    }
                }
                node++;
            }
        } catch (Throwable e) {
            failure = e;
        }
    }

    private int finishedOrZero() {
        try {
            return finished.getAsInt();
        } catch (RuntimeException databaseAway) {
            return 0;
        }
    }

    private boolean post(Api api, int size) {
        var body = new StringBuilder("{\"events\": [");
        for (int i = 0; i < size; i++) {
            int seq = produced.get() + i;
            body.append(i == 0 ? "" : ", ").append("""
                {"type": "chaos.collect", "data": {"seq": %d, "invoice_id": "%s"}}"""
                .formatted(seq, invoices.get(seq % invoices.size())));
        }
        body.append("]}");
        try {
            var response = api.post("/api/v1/events/batch", apiKey, body.toString());
            if (response.status() != 201) {
                refusals.merge(String.valueOf(response.status()), 1, Integer::sum);
                return false;
            }
            response.json().get("data").forEach(event -> acknowledged.add(event.get("id").asString()));
            return true;
        } catch (IllegalStateException connectionFailed) {
            refusals.merge("no answer", 1, Integer::sum);
            return false;
        }
    }

    /** Events acknowledged so far. */
    int produced() {
        return produced.get();
    }

    Set<String> acknowledged() {
        return acknowledged;
    }

    /** Requests that were not acknowledged, by the status they got ("no answer": refused or reset). */
    Map<String, Integer> refusals() {
        return Map.copyOf(refusals);
    }

    Throwable failure() {
        return failure;
    }
}
