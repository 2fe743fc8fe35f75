package io.till.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.till.testing.ChildTills;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Till under a steady mix of reads and writes: a Till process of its own (as deployed, with its background loops, on
 * the test's embedded PostgreSQL) receives requests at a fixed rate for a fixed time, whatever its answers take (an
 * open loop: a slow answer does not slow the offered load). Prints the requests sent, their statuses, latency
 * percentiles measured from when each request was due, and the Till process's resident memory; fails only on a 5xx or
 * a request that got no answer. Run with {@code load/run}.
 */
@Tag("benchmark")
@TillIntegrationTest
// Measured on a database as durable as the one a newcomer runs, not on the test suite's throwaway one.
@TestPropertySource(properties = "till.database.embedded-durable=true")
class LoadBenchmark {

    private static final Logger log = LoggerFactory.getLogger(LoadBenchmark.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Requests per second, and for how long; {@code -Dload.rate=…} and {@code -Dload.seconds=…} change them. */
    private static final int RATE = Integer.getInteger("load.rate", 300);
    private static final int SECONDS = Integer.getInteger("load.seconds", 60);
    /**
     * Seconds of the same load before the measured run ({@code -Dload.warmup=…}): a just-started JVM interprets its code
     * until it has compiled it, and queued requests for most of its first ten seconds at 300/s (p50 1 s there, 2-6 ms
     * after). Reported on a line of its own; a request refused as busy there is not a failure, any other 5xx is.
     */
    private static final int WARMUP_SECONDS = Integer.getInteger("load.warmup", 20);
    /** More JVM flags for the Till under load ({@code LOAD_TILL_FLAGS}), e.g. a flight recording. */
    private static final List<String> TILL_FLAGS = Arrays.stream(System.getProperty("load.till-flags", "")
        .split(" ")).filter(flag -> !flag.isBlank()).toList();
    private static final int SEED_ORDERS = 100;
    private static final int MAX_IN_FLIGHT = 1_000;
    /** Longer than Till's 30 s wait for a connection, so that a request that waited in vain shows as its 5xx. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(90);

    /** What a request does, with its share of the mix in percent. */
    enum Kind {
        GET_ORDER(30),
        GET_PRODUCT(10),
        GET_CHECKOUT(10),
        LIST_CUSTOMERS(10),
        GET_CUSTOMER(5),
        PURCHASE(15),
        POST_EVENT(12),
        ACCEPT_UPSELL(8);

        final int percent;

        Kind(int percent) {
            this.percent = percent;
        }
    }

    @Autowired
    Shops shops;
    @Autowired
    HikariDataSource dataSource;
    @Value("${till.master-key}")
    String masterKey;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<String> orders = new CopyOnWriteArrayList<>();
    private final List<String> customers = new CopyOnWriteArrayList<>();
    /** Fresh orders whose bonus upsell nobody accepted yet. */
    private final ConcurrentLinkedQueue<String> offered = new ConcurrentLinkedQueue<>();
    private final AtomicInteger buyers = new AtomicInteger();
    private String base;
    private String key;
    private Shops.UpsellShop store;
    private String productId;

    @Test
    void servesAMixOfReadsAndWritesAtAFixedRate() throws Exception {
        store = shops.openWithUpsells();
        key = store.shop().apiKey();
        int port = freePort();
        base = "http://127.0.0.1:" + port;
        Path childLog = Path.of("target", "load-till.log");
        Process till = ChildTills.start(dataSource, masterKey, Stream.concat(Stream.of(
            "-Xmx512m"), TILL_FLAGS.stream()).toList(), List.of("--server.port=" + port));
        try {
            Thread.ofVirtual().start(() -> {
                try (var out = Files.newOutputStream(childLog)) {
                    till.getInputStream().transferTo(out);
                } catch (IOException ended) {
                    // The child is gone.
                }
            });
            awaitReady(till);
            seed();
            var warmUp = run(RATE, WARMUP_SECONDS);
            var rss = new RssSampler(till.pid());
            Thread.ofPlatform().daemon().name("load-rss").start(rss);
            var sessions = new DatabaseSessions(dataSource);
            Thread.ofPlatform().daemon().name("load-sessions").start(sessions);
            long rssBefore = rss.current();
            double cpuBefore = rss.cpuSeconds();
            String loadBefore = loadAverage();
            var result = run(RATE, SECONDS);
            rss.stop = true;
            sessions.stop = true;
            String machine = "Till used %.1f s of CPU in the run; load average (1, 5, 15 min) %s before, %s after"
                .formatted(rss.cpuSeconds() - cpuBefore, loadBefore, loadAverage());
            report(result, rssBefore, rss, prometheus(), machine + "\n  database: " + sessions.summary() + "\n"
                + sessions.where(), warmUp);
            assertThat(warmUp.serverErrorCodes.keySet()).as("5xx while warming up other than busy")
                .isSubsetOf("busy");
            assertThat(warmUp.failures.sum()).as("requests without an answer while warming up").isZero();
            assertThat(result.serverErrors.sum()).as("5xx answers").isZero();
            assertThat(result.failures.sum()).as("requests without an answer").isZero();
        } finally {
            till.destroy();
            if (!till.waitFor(30, TimeUnit.SECONDS)) {
                till.destroyForcibly();
            }
        }
    }

    /** What the run saw, per kind of request and in all. */
    static final class Result {
        final long[] latencyMicros;
        /** Each request's latency by the order it was due in (-1 until answered): the run's slow stretches. */
        final long[] dueOrderMicros;
        final AtomicInteger recorded = new AtomicInteger();
        final Map<Kind, LongAdder> sent = new ConcurrentHashMap<>();
        final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        final Map<Kind, Queue<Long>> kindMicros = new ConcurrentHashMap<>();
        final LongAdder serverErrors = new LongAdder();
        final Map<String, LongAdder> serverErrorCodes = new ConcurrentHashMap<>();
        final Queue<Long> successMicros = new ConcurrentLinkedQueue<>();
        final LongAdder failures = new LongAdder();
        final AtomicLong behind = new AtomicLong();
        long elapsedNanos;

        Result(int capacity) {
            latencyMicros = new long[capacity];
            dueOrderMicros = new long[capacity];
            Arrays.fill(dueOrderMicros, -1);
        }

        void record(int request, Kind kind, int status, long micros) {
            dueOrderMicros[request] = micros;
            int i = recorded.getAndIncrement();
            if (i < latencyMicros.length) {
                latencyMicros[i] = micros;
            }
            kindMicros.computeIfAbsent(kind, k -> new ConcurrentLinkedQueue<>()).add(micros);
            statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
            if (status < 400) {
                successMicros.add(micros);
            }
            if (status >= 500) {
                serverErrors.increment();
            }
        }
    }

    private Result run(int rate, int seconds) throws InterruptedException {
        int total = rate * seconds;
        var result = new Result(total);
        var inFlight = new Semaphore(MAX_IN_FLIGHT);
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < total; i++) {
                long due = start + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (!inFlight.tryAcquire()) {
                    // Till holds MAX_IN_FLIGHT unanswered requests: the client waits, and says so.
                    result.behind.incrementAndGet();
                    inFlight.acquire();
                }
                Kind kind = pick();
                int request = i;
                result.sent.computeIfAbsent(kind, k -> new LongAdder()).increment();
                threads.submit(() -> {
                    try {
                        var response = send(kind);
                        result.record(request, kind, response.statusCode(), (System.nanoTime() - due) / 1_000);
                        if (response.statusCode() >= 500) {
                            result.serverErrorCodes.computeIfAbsent(problemCode(response), c -> new LongAdder())
                                .increment();
                        }
                    } catch (IOException | InterruptedException | RuntimeException e) {
                        result.failures.increment();
                        log.warn("A {} request got no answer: {}", kind, e.toString());
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
        result.elapsedNanos = System.nanoTime() - start;
        return result;
    }

    private static Kind pick() {
        int roll = ThreadLocalRandom.current().nextInt(100);
        for (Kind kind : Kind.values()) {
            roll -= kind.percent;
            if (roll < 0) {
                return kind;
            }
        }
        return Kind.GET_ORDER;
    }

    private HttpResponse<String> send(Kind kind) throws IOException, InterruptedException {
        var random = ThreadLocalRandom.current();
        return switch (kind) {
            case GET_ORDER -> get("/api/v1/orders/" + orders.get(random.nextInt(orders.size())));
            case GET_PRODUCT -> get("/api/v1/products/" + productId);
            case GET_CHECKOUT -> get("/api/v1/checkouts/" + store.checkoutId());
            case LIST_CUSTOMERS -> get("/api/v1/customers?limit=20");
            case GET_CUSTOMER -> get("/api/v1/customers/" + customers.get(random.nextInt(customers.size())));
            case PURCHASE -> purchase();
            case POST_EVENT -> post("/api/v1/events", """
                {"type": "load.visit", "customer_id": "%s", "data": {"page": "/pricing"}}"""
                .formatted(customers.get(random.nextInt(customers.size()))));
            case ACCEPT_UPSELL -> {
                String order = offered.poll();
                yield order == null
                    ? get("/api/v1/orders/" + orders.get(random.nextInt(orders.size())))
                    : post("/api/v1/orders/" + order + "/upsells/" + store.bonus() + "/accept", null);
            }
        };
    }

    /** The problem's code of an error answer ({@code busy}, {@code database_unavailable}, …), or its status. */
    private static String problemCode(HttpResponse<String> response) {
        try {
            JsonNode code = JSON.readTree(response.body()).get("code");
            return code == null ? Integer.toString(response.statusCode()) : code.asString();
        } catch (RuntimeException notJson) {
            return Integer.toString(response.statusCode());
        }
    }

    /** A purchase by a new customer; its order joins those read and offered an upsell. */
    private HttpResponse<String> purchase() throws IOException, InterruptedException {
        var response = post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", """
            {"customer": {"name": "Load", "email": "load%d@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(buyers.incrementAndGet(), store.courseOption()));
        if (response.statusCode() == 201) {
            JsonNode order = JSON.readTree(response.body());
            orders.add(order.get("id").asString());
            customers.add(order.get("customer_id").asString());
            offered.add(order.get("id").asString());
        }
        return response;
    }

    private void seed() throws IOException, InterruptedException {
        productId = JSON.readTree(get("/api/v1/checkouts/" + store.checkoutId()).body()).get("product_id")
            .asString();
        for (int i = 0; i < SEED_ORDERS; i++) {
            var response = purchase();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        var request = request(path).header("Content-Type", "application/json")
            .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(ANSWER_WITHIN)
            .header("Authorization", "Bearer " + key);
    }

    private void awaitReady(Process till) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            assertThat(till.isAlive()).as("the load test's Till is running (see target/load-till.log)").isTrue();
            try {
                if (get("/actuator/health/readiness").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        throw new AssertionError("the load test's Till was not ready within 2 minutes (see target/load-till.log)");
    }

    private List<String> prometheus() throws IOException, InterruptedException {
        return get("/actuator/prometheus").body().lines()
            .filter(line -> line.startsWith("hikaricp_connections_max") || line.startsWith(
                "hikaricp_connections_timeout_total") || line.startsWith("hikaricp_connections_acquire_seconds_max")
                || line.startsWith("till_requests_refused_busy_total"))
            .toList();
    }

    static String loadAverage() {
        try {
            return String.join(", ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException e) {
            return "unknown";
        }
    }

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The peak resident set of a process, from /proc (Linux). */
    static final class RssSampler implements Runnable {
        private final long pid;
        volatile boolean stop;
        final AtomicLong peakKb = new AtomicLong();

        RssSampler(long pid) {
            this.pid = pid;
        }

        /** User plus system CPU time of the process so far, from /proc/<pid>/stat (in clock ticks of 1/100 s). */
        double cpuSeconds() {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
            } catch (IOException e) {
                return 0;
            }
        }

        long current() {
            try {
                return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
                    .findFirst().orElse(0);
            } catch (IOException e) {
                return 0;
            }
        }

        @Override
        public void run() {
            while (!stop) {
                peakKb.accumulateAndGet(current(), Math::max);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
    }

    private void report(Result result, long rssBeforeKb, RssSampler rss, List<String> pools, String machine,
        Result warmUp) {
        int n = Math.min(result.recorded.get(), result.latencyMicros.length);
        long[] sorted = Arrays.copyOf(result.latencyMicros, n);
        Arrays.sort(sorted);
        var lines = new ArrayList<String>();
        lines.add("Load benchmark (command: load/run): %d requests/s offered for %d s to one Till process "
            .formatted(RATE, SECONDS) + "(-Xmx512m, default pool sizes, background loops on) on the "
            + "embedded PostgreSQL; client, Till and database share this machine");
        long[] warm = Arrays.stream(warmUp.latencyMicros, 0, Math.min(warmUp.recorded.get(),
            warmUp.latencyMicros.length)).sorted().toArray();
        lines.add("  warm-up first, %d s at the same rate on the just-started Till: statuses %s, p50 %s, p99 %s (not "
            .formatted(WARMUP_SECONDS, new TreeMap<>(warmUp.statuses).toString().replace("=", " × "), ms(warm, 0.50),
                ms(warm, 0.99))
            + "counted below)");
        lines.add("  requests: %d sent, %d answered in %.1f s (%.0f/s); 5xx: %d; no answer: %d; client waited for "
            .formatted(result.sent.values().stream().mapToLong(LongAdder::sum).sum(), n,
                result.elapsedNanos / 1e9, n / (result.elapsedNanos / 1e9), result.serverErrors.sum(),
                result.failures.sum())
            + "Till (more than %d in flight): %d times".formatted(MAX_IN_FLIGHT,
                result.behind.get()));
        lines.add("  statuses: " + new TreeMap<>(result.statuses).toString().replace("=", " × ")
            + (result.serverErrorCodes.isEmpty()
                ? ""
                : "; 5xx by code: " + new TreeMap<>(
                    result.serverErrorCodes).toString().replace("=", " × ")));
        lines.add("  latency from when each request was due: p50 %s, p90 %s, p99 %s, max %s".formatted(ms(sorted,
            0.50), ms(sorted, 0.90), ms(sorted, 0.99), ms(sorted, 1.0)));
        long[] served = result.successMicros.stream().mapToLong(Long::longValue).sorted().toArray();
        lines.add("  of the 2xx answers only: p50 %s, p90 %s, p99 %s, max %s".formatted(ms(served, 0.50),
            ms(served, 0.90), ms(served, 0.99), ms(served, 1.0)));
        for (Kind kind : Kind.values()) {
            long[] own = result.kindMicros.getOrDefault(kind, new ConcurrentLinkedQueue<>()).stream()
                .mapToLong(Long::longValue)
                .sorted().toArray();
            lines.add("    %-15s %6d requests, p50 %s, p99 %s".formatted(kind.name().toLowerCase(), own.length,
                ms(own, 0.50), ms(own, 0.99)));
        }
        lines.add("  by 10 s of the run (p50 / p99): " + stretches(result.dueOrderMicros, RATE * 10));
        lines.add("  Till's resident memory (VmRSS): %d MB before the run, peak %d MB during it".formatted(
            rssBeforeKb / 1024, rss.peakKb.get() / 1024));
        lines.add("  " + machine);
        lines.add("  pools after the run: " + String.join("; ", pools));
        lines.add("end of load benchmark");
        log.info("\n\n{}\n", String.join("\n", lines));
    }

    /** p50 and p99 of each stretch of {@code size} requests in the order they were due. */
    private static String stretches(long[] dueOrderMicros, int size) {
        var parts = new ArrayList<String>();
        for (int from = 0; from < dueOrderMicros.length; from += size) {
            long[] stretch = Arrays.stream(dueOrderMicros, from, Math.min(dueOrderMicros.length, from + size))
                .filter(micros -> micros >= 0)
                .sorted()
                .toArray();
            parts.add(ms(stretch, 0.50) + " / " + ms(stretch, 0.99));
        }
        return String.join(", ", parts);
    }

    private static String ms(long[] sortedMicros, double quantile) {
        if (sortedMicros.length == 0) {
            return "-";
        }
        int i = Math.min(sortedMicros.length - 1, (int) Math.ceil(quantile * sortedMicros.length) - 1);
        return "%.1f ms".formatted(sortedMicros[Math.max(0, i)] / 1000.0);
    }
}
