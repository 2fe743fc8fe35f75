package io.till.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.till.packaging.ShippedJvm;
import io.till.testing.ChildTills;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Single-event ingest beside the database's own speed, in one run on one durable PostgreSQL: {@code pgbench} commits
 * one-row INSERT transactions from 16 clients, and 16 HTTP clients each POST one event per request to a Till process
 * of its own (as deployed, background loops on) on the same database, each for the same time, in alternating rounds
 * (the disk's commit latency here drifts within minutes, and both should meet the same disk). Prints both rates, their
 * ratio, each round's ratio and the ingest latency; asserts only that every request was answered 201. Run with
 * {@code bench/ingest}.
 */
@Tag("benchmark")
@TillIntegrationTest
// Both are measured on a database as durable as the one a newcomer runs (fsync and synchronous commit on).
@TestPropertySource(properties = "till.database.embedded-durable=true")
class IngestBenchmark {

    private static final Logger log = LoggerFactory.getLogger(IngestBenchmark.class);
    private static final String COMMAND = "bench/ingest";
    /** Concurrent clients, of pgbench and of Till alike; {@code -Dingest.clients=…} changes it. */
    private static final int CLIENTS = Integer.getInteger("ingest.clients", 16);
    /** Seconds each measurement runs in all; {@code -Dingest.seconds=…} changes it. */
    private static final int SECONDS = Integer.getInteger("ingest.seconds", 20);
    /** Rounds of pgbench then Till the seconds are split into; {@code -Dingest.rounds=…} changes it. */
    private static final int ROUNDS = Math.max(1, Integer.getInteger("ingest.rounds", 4));
    /** Seconds of ingest before the measured ones, so that Till's code runs compiled. */
    private static final int WARM_UP_SECONDS = Integer.getInteger("ingest.warm-up", 20);
    /** Where the Till process records a flight recording of the measured run, if set ({@code -Dingest.jfr=…}). */
    private static final String JFR = System.getProperty("ingest.jfr", "");
    /** Extra arguments for the measured Till, to compare settings ({@code -Dingest.till-args="--a=b --c=d"}). */
    private static final String TILL_ARGUMENTS = System.getProperty("ingest.till-args", "");
    /** Extra JVM flags for the measured Till, to compare them ({@code -Dingest.till-jvm="-XX:a -XX:b"}). */
    private static final String TILL_JVM = System.getProperty("ingest.till-jvm", "");
    /**
     * The clients: {@code wrk} (a C load generator, as pgbench's clients are C) when it is installed, else this JVM's
     * keep-alive clients, which take about 40 µs of this machine's CPU a request ({@code -Dingest.client=java|wrk}).
     */
    private static final String CLIENT = System.getProperty("ingest.client", "auto");
    private static final String EVENT = "{\"type\": \"acme.ingest\", \"data\": {\"page\": \"/pricing\", \"n\": 1}}";
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

    @Autowired
    HikariDataSource dataSource;
    @Autowired
    JdbcClient db;
    @Autowired
    TestAccounts accounts;
    @Value("${till.master-key}")
    String masterKey;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void ingestsSingleEventsBesidePgbench() throws Exception {
        String durability = db.sql("SELECT current_setting('fsync') || ', synchronous_commit ' || current_setting("
            + "'synchronous_commit')").query(String.class).single();
        assertThat(durability).as("the measured database is durable").isEqualTo("on, synchronous_commit on");
        var account = accounts.create();
        String key = account.apiKey();
        String accountId = account.id();
        boolean wrk = switch (CLIENT) {
            case "wrk" -> true;
            case "java" -> false;
            default -> isOnPath("wrk");
        };
        int port = LoadBenchmark.freePort();
        String base = "http://127.0.0.1:" + port;
        var flags = new ArrayList<>(List.of("-Xmx512m"));
        // As Till ships (packaging/till.service), unless the flags to compare choose another collector.
        if (!ShippedJvm.COLLECTOR_FLAG.matcher(TILL_JVM).find()) {
            flags.add(ShippedJvm.collector());
        }
        if (!TILL_JVM.isBlank()) {
            flags.addAll(List.of(TILL_JVM.strip().split("\\s+")));
        }
        if (!JFR.isBlank()) {
            flags.add("-XX:FlightRecorderOptions:stackdepth=256");
            // From the start: a recording started later instruments its event classes then, which the JIT compiles
            // during the measured run. Read only the measured run's samples (its start is in the report). It samples
            // a running thread every 2 ms (the profile settings: 10-20 ms), as a request's cost is spread thin.
            flags.add("-XX:StartFlightRecording=filename=" + JFR + ",settings=profile,jdk.ExecutionSample#period=2ms");
        }
        var arguments = new ArrayList<>(List.of("--server.port=" + port));
        if (!TILL_ARGUMENTS.isBlank()) {
            arguments.addAll(List.of(TILL_ARGUMENTS.strip().split("\\s+")));
        }
        Process till = ChildTills.start(dataSource, masterKey, flags, arguments);
        try {
            Path childLog = Path.of("target", "ingest-till.log");
            Thread.ofVirtual().start(() -> {
                try (var out = Files.newOutputStream(childLog)) {
                    till.getInputStream().transferTo(out);
                } catch (IOException ended) {
                    // The child is gone.
                }
            });
            awaitReady(till, base);
            double warmUp = warmUp(base, key, till.pid());
            String measuredFrom = java.time.LocalTime.now().toString();
            var rounds = new ArrayList<Round>();
            int roundSeconds = Math.max(1, SECONDS / ROUNDS);
            for (int r = 0; r < ROUNDS; r++) {
                double pgbench = pgbench(roundSeconds);
                double[] sharedBefore = sharedInserts(base);
                // The CPU of the requests alone, not of the reads of Till's metrics around them (a Prometheus scrape,
                // about 1 % of a round's CPU).
                long recordedBefore = recorded(accountId);
                var cpu = new CpuShares(till.pid(), postmaster());
                var ingest = wrk ? wrk(base, key, roundSeconds) : run(base, key, roundSeconds);
                double[] used = cpu.since();
                used[2] += ingest.clientCpu();
                if (wrk) {
                    ingest = ingest.recorded(recorded(accountId) - recordedBefore);
                }
                var threads = cpu.secondsByThreadKind();
                double[] sharedAfter = sharedInserts(base);
                rounds.add(new Round(pgbench, ingest, used, threads, sharedAfter[0] - sharedBefore[0],
                    sharedAfter[1] - sharedBefore[1]));
            }
            var ingest = Ingest.of(rounds.stream().map(Round::ingest).toList());
            report(durability, rounds, ingest, "%.0f s of warm-up; measured from %s".formatted(warmUp, measuredFrom));
            assertThat(ingest.statuses.keySet()).as("statuses of the measured requests").containsOnly(201);
            assertThat(ingest.failures.sum()).as("requests without an answer").isZero();
        } finally {
            till.destroy();
            if (!till.waitFor(30, TimeUnit.SECONDS)) {
                till.destroyForcibly();
            }
        }
    }

    /** One round: pgbench, then Till, for the same time. */
    record Round(double pgbench, Ingest ingest, double[] cpu, Map<String, Double> threads, double sharedInserts,
        double sharedEvents) {}

    /** pgbench's transactions per second: one-row INSERT and COMMIT, {@link #CLIENTS} clients, over TCP as Till. */
    private double pgbench(int seconds) throws IOException, InterruptedException {
        db.sql("CREATE TABLE IF NOT EXISTS bench_pgbench_rows (id bigserial PRIMARY KEY, account_id text NOT NULL, "
            + "type text NOT NULL, occurred_at timestamptz NOT NULL DEFAULT now(), data jsonb NOT NULL)").update();
        Path script = Files.createTempFile("pgbench-insert", ".sql");
        Files.writeString(script, "INSERT INTO bench_pgbench_rows (account_id, type, data) VALUES ('acc_bench', "
            + "'acme.ingest', '{\"page\": \"/pricing\", \"n\": 1}');\n");
        Matcher port = Pattern.compile("//[^:/]+:(\\d+)/").matcher(dataSource.getJdbcUrl());
        assertThat(port.find()).as("the database's port in " + dataSource.getJdbcUrl()).isTrue();
        var pgbench = new ProcessBuilder("pgbench", "-h", "127.0.0.1", "-p", port.group(1), "-U", db.sql(
            "SELECT current_user").query(String.class).single(), "-n", "-c", Integer.toString(CLIENTS), "-j", "2", "-T",
            Integer.toString(seconds), "-f",
            script.toString(), "postgres").redirectErrorStream(true).start();
        String output = new String(pgbench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(pgbench.waitFor()).as(output).isZero();
        Matcher tps = TPS.matcher(output);
        assertThat(tps.find()).as(output).isTrue();
        Files.delete(script);
        return Double.parseDouble(tps.group(1));
    }

    /**
     * What a closed-loop run saw: each client sends its next event when the previous one was answered. Latency is each
     * request's when this JVM's clients ran, else the quantiles wrk printed for each round.
     */
    record Ingest(long requests, double seconds, long[] sortedMicros, List<double[]> wrkQuantiles,
        Map<Integer, LongAdder> statuses, LongAdder failures, double clientCpu) {

        double perSecond() {
            return requests / seconds;
        }

        /** A wrk round checked against the events it left in the database: each one recorded is a 201. */
        Ingest recorded(long events) {
            Map<Integer, LongAdder> recorded = new ConcurrentHashMap<>();
            recorded.computeIfAbsent(201, s -> new LongAdder()).add(events);
            var missing = new LongAdder();
            missing.add(failures.sum() + Math.max(0, requests - events));
            return new Ingest(requests, seconds, sortedMicros, wrkQuantiles, recorded, missing, clientCpu);
        }

        /** The rounds' requests as one run. */
        static Ingest of(List<Ingest> rounds) {
            Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
            var failures = new LongAdder();
            for (Ingest round : rounds) {
                round.statuses().forEach((status, n) -> statuses.computeIfAbsent(status, s -> new LongAdder())
                    .add(n.sum()));
                failures.add(round.failures().sum());
            }
            long[] all = rounds.stream().flatMapToLong(r -> Arrays.stream(r.sortedMicros())).sorted().toArray();
            return new Ingest(rounds.stream().mapToLong(Ingest::requests).sum(),
                rounds.stream().mapToDouble(Ingest::seconds).sum(), all,
                rounds.stream().flatMap(r -> r.wrkQuantiles().stream()).toList(), statuses, failures,
                rounds.stream().mapToDouble(Ingest::clientCpu).sum());
        }

        /** p50, p99 and max: of every request, or wrk's, the highest of its rounds'. */
        String latency() {
            if (!wrkQuantiles.isEmpty()) {
                return "p50 %.1f ms, p99 %.1f ms, max %.1f ms (wrk's, the highest of the rounds)".formatted(
                    wrkQuantiles.stream().mapToDouble(q -> q[0]).max().orElseThrow(),
                    wrkQuantiles.stream().mapToDouble(q -> q[1]).max().orElseThrow(),
                    wrkQuantiles.stream().mapToDouble(q -> q[2]).max().orElseThrow());
            }
            return "p50 %s, p99 %s, max %s".formatted(ms(0.50), ms(0.99), ms(1.0));
        }

        private String ms(double quantile) {
            if (sortedMicros.length == 0) {
                return "-";
            }
            int i = Math.min(sortedMicros.length - 1, (int) Math.ceil(quantile * sortedMicros.length) - 1);
            return "%.1f ms".formatted(sortedMicros[Math.max(0, i)] / 1000.0);
        }
    }

    /** The events recorded so far for the account. */
    private long recorded(String accountId) {
        return db.sql("SELECT count(*) FROM events WHERE account_id = :account").param("account", accountId)
            .query(Long.class).single();
    }

    private static boolean isOnPath(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    /**
     * The same closed loop from wrk: {@link #CLIENTS} connections on 2 threads (as pgbench's {@code -j 2}), one event
     * per request. Its CPU is read from the shell that waited for it ({@code times}).
     */
    private Ingest wrk(String base, String key, int seconds) throws IOException, InterruptedException {
        Path script = Files.createTempFile("ingest", ".lua");
        Files.writeString(script, """
            wrk.method = "POST"
            wrk.body = '%s'
            wrk.headers["Content-Type"] = "application/json"
            wrk.headers["Authorization"] = "Bearer %s"
            """.formatted(EVENT, key));
        var process = new ProcessBuilder("bash", "-c", "wrk -t 2 -c \"$2\" -d \"$3\"s --latency -s \"$0\" \"$1\"; "
            + "status=$?; times; exit $status", script.toString(), base + "/api/v1/events", Integer.toString(CLIENTS),
            Integer.toString(seconds)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        Files.delete(script);
        Matcher done = Pattern.compile("(\\d+) requests in ([0-9.]+)(us|ms|s|m)").matcher(output);
        assertThat(done.find()).as(output).isTrue();
        long requests = Long.parseLong(done.group(1));
        double elapsed = seconds(done.group(2), done.group(3));
        var failures = new LongAdder();
        Matcher errors = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
            .matcher(output);
        if (errors.find()) {
            for (int g = 1; g <= 4; g++) {
                failures.add(Long.parseLong(errors.group(g)));
            }
        }
        Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(output);
        if (non2xx.find()) {
            failures.add(Long.parseLong(non2xx.group(1)));
        }
        double[] quantiles = {quantile(output, "50%"), quantile(output, "99%"), wrkMax(output)};
        // times: the shell's own user and system time, then its children's (wrk's).
        Matcher times = Pattern.compile("(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s\\s*$").matcher(output.strip());
        assertThat(times.find()).as(output).isTrue();
        double cpu = Integer.parseInt(times.group(1)) * 60 + Double.parseDouble(times.group(2))
            + Integer.parseInt(times.group(3)) * 60 + Double.parseDouble(times.group(4));
        return new Ingest(requests, elapsed, new long[0], List.<double[]>of(quantiles), Map.of(), failures, cpu);
    }

    private static double seconds(String value, String unit) {
        double v = Double.parseDouble(value);
        return switch (unit) {
            case "us" -> v / 1e6;
            case "ms" -> v / 1e3;
            case "m" -> v * 60;
            default -> v;
        };
    }

    /** A quantile of wrk's "Latency Distribution", in milliseconds. */
    private static double quantile(String output, String label) {
        Matcher m = Pattern.compile("(?m)^\\s+" + Pattern.quote(label) + "\\s+([0-9.]+)(us|ms|s|m)\\s*$")
            .matcher(output);
        assertThat(m.find()).as(label + " in " + output).isTrue();
        return seconds(m.group(1), m.group(2)) * 1000;
    }

    /** The highest latency wrk saw, in milliseconds (the Max column of its Latency line). */
    private static double wrkMax(String output) {
        Matcher m = Pattern.compile("(?m)^\\s+Latency\\s+\\S+\\s+\\S+\\s+([0-9.]+)(us|ms|s|m)").matcher(output);
        return m.find() ? seconds(m.group(1), m.group(2)) * 1000 : Double.NaN;
    }

    private Ingest run(String base, String key, int seconds) throws InterruptedException {
        URI uri = URI.create(base);
        byte[] request = KeepAliveClient.jsonPost(uri.getHost(), uri.getPort(), "/api/v1/events", key, EVENT);
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        var failures = new LongAdder();
        var perClient = new List<?>[CLIENTS];
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        var threads = new ArrayList<Thread>();
        for (int c = 0; c < CLIENTS; c++) {
            var micros = new ArrayList<Long>();
            perClient[c] = micros;
            threads.add(Thread.ofPlatform().name("ingest-client-" + c).start(() -> {
                KeepAliveClient client = null;
                while (System.nanoTime() < end) {
                    long sent = System.nanoTime();
                    try {
                        if (client == null) {
                            client = new KeepAliveClient(uri.getHost(), uri.getPort(), request);
                        }
                        int status = client.send();
                        micros.add((System.nanoTime() - sent) / 1_000);
                        statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                        if (!client.isOpen()) {
                            client = closed(client);
                        }
                    } catch (IOException e) {
                        failures.increment();
                        log.warn("An event got no answer: {}", e.toString());
                        client = closed(client);
                    }
                }
                closed(client);
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] all = Arrays.stream(perClient).flatMap(List::stream).mapToLong(m -> (Long) m).sorted().toArray();
        return new Ingest(all.length, elapsed, all, List.of(), statuses, failures, 0);
    }

    private static KeepAliveClient closed(KeepAliveClient client) {
        if (client != null) {
            try {
                client.close();
            } catch (IOException ignored) {
                // Closing a broken connection.
            }
        }
        return null;
    }

    private void awaitReady(Process till, String base) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        var ready = HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness")).build();
        while (System.nanoTime() < deadline) {
            assertThat(till.isAlive()).as("the benchmark's Till is running (see target/ingest-till.log)").isTrue();
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        throw new AssertionError("the benchmark's Till was not ready within 2 minutes (see target/ingest-till.log)");
    }

    /** The database server's process, parent of every session's backend. */
    private long postmaster() {
        long backend = db.sql("SELECT pg_backend_pid()").query(Long.class).single();
        return ProcessHandle.of(backend).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElseThrow();
    }

    /** CPU seconds used by Till, by PostgreSQL (all its processes) and by this JVM (the clients) since creation. */
    static final class CpuShares {
        private final long till;
        private final long postmaster;
        private final Map<Long, Double> before;

        private final Map<String, Double> threadsBefore;

        CpuShares(long till, long postmaster) {
            this.till = till;
            this.postmaster = postmaster;
            this.before = sample();
            this.threadsBefore = threads();
        }

        /** Till's CPU seconds by kind of thread (the name without its number), from /proc/<pid>/task (Linux). */
        private Map<String, Double> threads() {
            Map<String, Double> seconds = new java.util.HashMap<>();
            try (var tasks = Files.list(Path.of("/proc", Long.toString(till), "task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        String name = Files.readString(task.resolve("comm")).strip().replaceAll("\\d+", "N");
                        String stat = Files.readString(task.resolve("stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        seconds.merge(name, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0,
                            Double::sum);
                    } catch (IOException gone) {
                        // The thread ended.
                    }
                }
            } catch (IOException e) {
                return seconds;
            }
            return seconds;
        }

        /** CPU seconds so far of Till's threads of one kind. */
        double threadSeconds(String kind) {
            return threads().getOrDefault(kind, 0.0);
        }

        /** Till's CPU seconds by kind of thread since this was made. */
        Map<String, Double> secondsByThreadKind() {
            Map<String, Double> used = new java.util.HashMap<>();
            threads().forEach((kind, seconds) -> used.put(kind, seconds - threadsBefore.getOrDefault(kind, 0.0)));
            return used;
        }

        private Map<Long, Double> sample() {
            Map<Long, Double> seconds = new java.util.HashMap<>();
            for (long pid : ProcessHandle.of(postmaster).map(p -> java.util.stream.Stream.concat(
                java.util.stream.Stream.of(p), p.descendants()).map(ProcessHandle::pid).toList()).orElse(List.of())) {
                seconds.put(pid, new LoadBenchmark.RssSampler(pid).cpuSeconds());
            }
            seconds.put(-1L, new LoadBenchmark.RssSampler(till).cpuSeconds());
            seconds.put(-2L, new LoadBenchmark.RssSampler(ProcessHandle.current().pid()).cpuSeconds());
            return seconds;
        }

        /** Till's, PostgreSQL's and the clients' CPU seconds since this was made. */
        double[] since() {
            var after = sample();
            double database = 0;
            for (var entry : after.entrySet()) {
                if (entry.getKey() > 0) {
                    database += entry.getValue() - before.getOrDefault(entry.getKey(), 0.0);
                }
            }
            return new double[]{after.get(-1L) - before.get(-1L), database, after.get(-2L) - before.get(-2L)};
        }
    }

    /**
     * Sends events until Till's code runs compiled: at least {@link #WARM_UP_SECONDS}, then until the JIT compiler's
     * threads used under a tenth of a core in each of three 2 s rounds in a row (on a busy machine that takes far longer than on an idle
     * one), at most 3 minutes. Returns the seconds it took.
     */
    private double warmUp(String base, String key, long till) throws IOException, InterruptedException {
        long start = System.nanoTime();
        // Each run between two reads of the metrics, as the measured one: a branch first taken after the warm-up (the
        // metrics' request through the filters) would send compiled code back to the interpreter as it starts.
        sharedInserts(base);
        run(base, key, WARM_UP_SECONDS);
        sharedInserts(base);
        var compiler = new CpuShares(till, -1);
        // Three quiet rounds in a row: on a busy machine the compiler's queue drains in fits and starts.
        for (int quiet = 0; quiet < 3 && System.nanoTime() - start < TimeUnit.MINUTES.toNanos(3);) {
            double before = compiler.threadSeconds("CN CompilerThre");
            sharedInserts(base);
            run(base, key, 2);
            sharedInserts(base);
            quiet = compiler.threadSeconds("CN CompilerThre") - before < 0.2 ? quiet + 1 : 0;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Till's count of shared inserts and the events they wrote, from its Prometheus metrics. */
    private double[] sharedInserts(String base) throws IOException, InterruptedException {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        return new double[]{metric(metrics, "till_events_ingest_shared_count"),
                metric(metrics, "till_events_ingest_shared_sum")};
    }

    private static double metric(String metrics, String name) {
        Matcher value = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics);
        assertThat(value.find()).as(name + " in Till's metrics").isTrue();
        return Double.parseDouble(value.group(2));
    }

    private void report(String durability, List<Round> rounds, Ingest ingest, String warmUp) {
        double pgbench = rounds.stream().mapToDouble(Round::pgbench).average().orElseThrow();
        double[] cpu = new double[3];
        Map<String, Double> threads = new java.util.HashMap<>();
        double sharedInserts = 0;
        double sharedEvents = 0;
        for (Round round : rounds) {
            for (int i = 0; i < cpu.length; i++) {
                cpu[i] += round.cpu()[i];
            }
            round.threads().forEach((kind, seconds) -> threads.merge(kind, seconds, Double::sum));
            sharedInserts += round.sharedInserts();
            sharedEvents += round.sharedEvents();
        }
        var lines = new ArrayList<String>();
        lines.add("Ingest benchmark (command: %s): %d clients, %.0f s each in %d alternating rounds, ".formatted(
            COMMAND, CLIENTS, ingest.seconds(), rounds.size()) + "embedded PostgreSQL 17 with fsync " + durability);
        lines.add("  pgbench, one-row INSERT + COMMIT per transaction: %,.0f transactions/s".formatted(pgbench));
        lines.add(
            "  Till, POST /api/v1/events, one event per request: %,.0f events/s (%,d events), %s".formatted(
                ingest.perSecond(), ingest.requests(), ingest.latency()));
        lines.add("  ratio Till / pgbench: %.2f; by round (pgbench tx/s, Till events/s, ratio): %s".formatted(
            ingest.perSecond() / pgbench, rounds.stream()
                .map(r -> "%,.0f %,.0f %.2f".formatted(r.pgbench(), r.ingest().perSecond(),
                    r.ingest().perSecond() / r.pgbench()))
                .collect(java.util.stream.Collectors.joining("; "))));
        lines.add("  events per shared insert (requests arriving together share one statement and commit): %.1f"
            .formatted(sharedEvents / Math.max(1, sharedInserts)));
        double events = Math.max(1, ingest.requests());
        lines
            .add("  CPU during the ingest run: Till %.1f s (%.2f ms per event), PostgreSQL %.1f s (%.2f ms per event), "
                .formatted(cpu[0], 1000 * cpu[0] / events, cpu[1], 1000 * cpu[1] / events)
                + "clients (%s) %.1f s; load average %s".formatted(ingest.wrkQuantiles().isEmpty() ? "this JVM" : "wrk",
                    cpu[2], LoadBenchmark.loadAverage()));
        lines.add("  Till's busiest threads in the measured run: " + threads.entrySet().stream()
            .filter(e -> e.getValue() >= 0.1)
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .limit(8)
            .map(e -> "%s %.1f s".formatted(e.getKey(), e.getValue()))
            .collect(java.util.stream.Collectors.joining(", ")) + " (" + warmUp + ")");
        lines.add("  statuses %s; no answer: %d".formatted(new TreeMap<>(ingest.statuses()), ingest.failures().sum()));
        if (!JFR.isBlank()) {
            lines.add("  flight recording of the measured run: " + JFR);
        }
        lines.add("end of ingest benchmark");
        log.info("\n\n{}\n", String.join("\n", lines));
    }
}
