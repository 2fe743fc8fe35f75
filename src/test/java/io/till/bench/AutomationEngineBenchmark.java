package io.till.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.till.action.Action;
import io.till.action.ActionCall;
import io.till.action.ActionResult;
import io.till.action.ActionSchema;
import io.till.automation.ExecutionQueue;
import io.till.automation.engine.ExecutionState;
import io.till.automation.engine.StateJson;
import io.till.event.EventSignal;
import io.till.shared.Timestamps;
import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.StaticMethodMatcherPointcutAdvisor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The automation engine under load, on the embedded PostgreSQL, with the product's own background loops
 * ({@code AutomationWorkers}: matcher, timers, workers) running as in production: event ingest through the HTTP API,
 * end-to-end executions of in-process no-op actions, latency from event to first step at a fixed offered rate, the
 * claim rate with and without a million waiting timers, the heap, and the same no-op workload on db-scheduler against
 * the same database. Prints figures; asserts nothing about time. Run with {@code bench/automation-engine}.
 */
@Tag("benchmark")
@TillIntegrationTest
// Measured on a database as durable as the one a newcomer runs, not on the test suite's throwaway one.
@TestPropertySource(properties = {"till.automation.workers-enabled=true", "till.database.embedded-durable=true"})
class AutomationEngineBenchmark {

    private static final Logger log = LoggerFactory.getLogger(AutomationEngineBenchmark.class);
    private static final String COMMAND = "bench/automation-engine";
    private static final int ONE_STEP_EXECUTIONS = 20_000;
    private static final int FIVE_STEP_EXECUTIONS = 5_000;
    /** Untimed rounds of the same workload before each timed one, at most, while the JIT compiles. */
    private static final int WARM_ROUNDS_MOST = 8;
    /** Rounds of section (j), which measures the three engines alternately; {@code -Dbench.alternating-rounds=…}. */
    private static final int ALTERNATING_ROUNDS = Math.max(1, Integer.getInteger("bench.alternating-rounds", 3));
    private static final int LATENCY_RATE = 1_000;
    private static final int LATENCY_SECONDS = 20;
    private static final int MAX_IN_FLIGHT = 64;
    private static final int CLAIM_QUEUE = 20_000;
    private static final int TIMERS = 1_000_000;
    private static final Duration CLAIM_MEASURE = Duration.ofSeconds(4);
    private static final int FLOOD = 100_000;

    /** No-op in-process actions, known to this benchmark's application context only. */
    @TestConfiguration(proxyBeanMethods = false)
    static class BenchConfiguration {

        /**
         * Does nothing, as Graphile Worker's and db-scheduler's no-op jobs do; transactional, as Till's record actions
         * (add_tag, create_task, …) are: a run of it takes its steps in the transaction that matches its event.
         */
        @Bean
        Action benchNoop() {
            return noop("bench.noop", true);
        }

        /**
         * Does nothing, performed as an action that calls out is (send_email, send_webhook, …): after the match has
         * committed, on a thread of its own, its result written back by a second statement.
         */
        @Bean
        Action benchCall() {
            return noop("bench.call", false);
        }

        private static Action noop(String name, boolean transactional) {
            return new Action() {
                private final ActionSchema schema = ActionSchema.of(name, "Does nothing (benchmark only)");

                @Override
                public ActionSchema schema() {
                    return schema;
                }

                @Override
                public boolean transactional() {
                    return transactional;
                }

                @Override
                public ActionResult perform(ActionCall call) {
                    return new ActionResult.Done(JsonNodeFactory.instance.objectNode());
                }
            };
        }

        /** An action whose peer answers after 10 s, as a slow SMTP server or a CRM near its timeout would. */
        @Bean
        Action benchSlow() {
            return new Action() {
                private final ActionSchema schema = ActionSchema.of("bench.slow",
                    "Answers after 10 s (benchmark only)");

                @Override
                public ActionSchema schema() {
                    return schema;
                }

                @Override
                public ActionResult perform(ActionCall call) {
                    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(10));
                    return new ActionResult.Done(JsonNodeFactory.instance.objectNode());
                }
            };
        }

        /** Times the engine's phases as the real loops call them (claim, save, start, match, a whole round). */
        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static StaticMethodMatcherPointcutAdvisor enginePhaseTimer() {
            var advisor = new StaticMethodMatcherPointcutAdvisor() {
                @Override
                public boolean matches(Method method, Class<?> targetClass) {
                    return PHASES.containsKey(targetClass.getName() + "." + method.getName());
                }
            };
            advisor.setAdvice((MethodInterceptor) invocation -> {
                String name = PHASES.get(invocation.getMethod().getDeclaringClass().getName() + "." + invocation
                    .getMethod().getName());
                long start = System.nanoTime();
                Object result = invocation.proceed();
                PROFILE.computeIfAbsent(name, n -> new LongAdder[]{new LongAdder(), new LongAdder()})[0].add(System
                    .nanoTime() - start);
                PROFILE.get(name)[1].increment();
                return result;
            });
            return advisor;
        }
    }

    static final Map<String, String> PHASES = Map.of("io.till.automation.ExecutionQueue.claim", "claim",
        "io.till.automation.ExecutionQueue.save", "save", "io.till.automation.ExecutionQueue.start", "start",
        "io.till.automation.ExecutionQueue.startClaimed", "startClaimed",
        "io.till.automation.Triggers.matchEvents", "matchEvents", "io.till.automation.Executor.runRound",
        "runRound");
    static final Map<String, LongAdder[]> PROFILE = new ConcurrentHashMap<>();

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;
    @Autowired
    DataSource dataSource;
    @Autowired
    ExecutionQueue queue;
    @Autowired
    EventSignal eventSignal;
    @Autowired
    MutableClock clock;
    @Autowired
    ApplicationContext context;
    @Autowired
    Environment environment;
    @Autowired
    JsonMapper json;

    private final List<String> lines = new ArrayList<>();
    private final AtomicLong peakHeap = new AtomicLong();
    private volatile boolean sampling = true;

    @Test
    void measuresTheAutomationEngine() throws Exception {
        // The tests' clock stands still; here it follows the machine's (to the millisecond) so that timestamps mean
        // something. Its real time is brought up to the machine's, and the sandbox time, which the tests start on
        // 1 February of next year, moves with it: moved to the machine's time itself, it stood still, since it never
        // goes back, and every latency read 0.0 ms.
        Thread.ofPlatform().daemon().name("bench-clock").start(() -> {
            while (sampling) {
                clock.catchUpWithTheMachine();
                LockSupport.parkNanos(1_000_000);
            }
        });
        Thread.ofPlatform().daemon().name("bench-heap").start(() -> {
            var memory = ManagementFactory.getMemoryMXBean();
            while (sampling) {
                peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                LockSupport.parkNanos(20_000_000);
            }
        });
        var workers = context.getBean("automationWorkers", SmartLifecycle.class);
        line("setup: 2 cores shared by app, database and client; pool till.database.pool-size=%s, "
            + "till.automation.workers=%s, batch-size=%s; workers running=%s",
            environment.getProperty("till.database.pool-size"),
            environment.getProperty("till.automation.workers", "2 (default)"),
            environment.getProperty("till.automation.batch-size", "500 (default)"), workers.isRunning());

        // -Dbench.sections=b (through -DargLine) runs only some sections, for quicker experiments.
        String sections = System.getProperty("bench.sections", "abchidfgj");
        var store = accounts.create();
        if (sections.contains("a")) {
            ingest(store);
        }
        if (sections.contains("b")) {
            endToEnd(store);
        }
        if (sections.contains("c")) {
            latency(store, LATENCY_RATE, LATENCY_SECONDS);
            latency(store, LATENCY_RATE / 2, LATENCY_SECONDS / 2);
            line("    (c) measures server-side: first execution_steps.started_at - events.occurred_at, both from "
                + "Till's clock (followed to 1 ms here); occurred_at is set at insert, just before the event commits");
        }
        if (sections.contains("h")) {
            slowNeighbour(store);
        }
        if (sections.contains("i")) {
            flood();
        }
        workers.stop();
        if (sections.contains("f")) {
            dbScheduler();
        }
        if (sections.contains("g")) {
            graphileWorker();
        }
        if (sections.contains("j")) {
            alternating(store, workers, sections.contains("b"), sections.contains("f"));
        }
        // Last: it leaves due executions and a million timers behind, which the workers would then run beside (j)'s.
        if (sections.contains("d")) {
            claims(store);
        }

        sampling = false;
        System.gc();
        long afterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        String xmx = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("-Xmx")).findFirst().orElse("none (JVM default)");
        line("(e) heap: peak used %d MB (sampled every 20 ms over the whole run), %d MB used after a full GC at the "
            + "end; max heap %d MB (-Xmx: %s); %d GCs, %d ms in GC (target: <= 512 MB)", peakHeap.get() >> 20,
            afterGc >> 20, Runtime.getRuntime().maxMemory() >> 20, xmx, gcCount, gcMillis);
        log.info("\n\nAutomation engine benchmark (command: {})\n  {}\nend of automation engine benchmark\n", COMMAND,
            String.join("\n  ", lines));
    }

    // (a) ---------------------------------------------------------------------------------------------------------

    private void ingest(TestAccounts.TestAccount store) throws Exception {
        String single = "{\"type\": \"acme.ingest\", \"data\": {\"n\": 1}}";
        postConcurrently(8, 1_000, () -> post(store, "/api/v1/events", single)); // warm-up
        int singles = 20_000;
        long start = System.nanoTime();
        postConcurrently(8, singles, () -> post(store, "/api/v1/events", single));
        double rate = singles / seconds(start);
        line("(a) ingest, single events: %,.0f events/s (POST /api/v1/events, %,d events, 8 client threads)", rate,
            singles);
        for (int size : new int[]{100, 500}) {
            String body = IntStream.range(0, size).mapToObj(i -> "{\"type\": \"acme.ingest\", \"data\": {\"n\": "
                + i + "}}").collect(Collectors.joining(",", "{\"events\": [", "]}"));
            postConcurrently(4, 20, () -> post(store, "/api/v1/events/batch", body)); // warm-up
            int batches = 60_000 / size;
            start = System.nanoTime();
            postConcurrently(4, batches, () -> post(store, "/api/v1/events/batch", body));
            line("(a) ingest, batches of %d: %,.0f events/s (POST /api/v1/events/batch, %,d events, 4 client "
                + "threads)", size, batches * size / seconds(start), batches * size);
        }
        waitUntil(() -> db.sql("SELECT count(*) FROM event_inbox").query(Long.class).single() == 0, 120);
    }

    private void post(TestAccounts.TestAccount store, String path, String body) {
        var response = api.post(path, store.apiKey(), body);
        if (response.status() != 201) {
            throw new IllegalStateException(path + " answered " + response.status() + ": " + response.text());
        }
    }

    private static void postConcurrently(int threads, int calls, Runnable call) throws InterruptedException {
        var left = new AtomicInteger(calls);
        try (var pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        call.run();
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.MINUTES);
        }
    }

    // (b) ---------------------------------------------------------------------------------------------------------

    private String automation(TestAccounts.TestAccount store, String event, int steps) {
        return automation(store, event, steps, "bench.noop");
    }

    private String automation(TestAccounts.TestAccount store, String event, int steps, String action) {
        String stepList = IntStream.rangeClosed(1, steps).mapToObj(i -> "{\"id\": \"s" + i
            + "\", \"type\": \"action\", \"action\": \"" + action + "\", \"params\": {}}").collect(Collectors
                .joining(", "));
        var created = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Bench %d-step %s", "trigger": {"type": "event", "event": "%s"}, "steps": [%s]}"""
            .formatted(steps, event, event, stepList));
        if (created.status() != 201) {
            throw new IllegalStateException("create failed: " + created.text());
        }
        String id = created.json().get("id").asString();
        var activated = api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null);
        if (activated.status() != 200) {
            throw new IllegalStateException("activate failed: " + activated.text());
        }
        return id;
    }

    /** Inserts events (and their inbox rows) in one statement, as Events.insert does one at a time. */
    private void insertEvents(TestAccounts.TestAccount store, String type, String prefix, int count) {
        db.sql("""
            WITH recorded AS (
                INSERT INTO events (id, account_id, type, customer_id, occurred_at, data)
                SELECT 'evt_' || :prefix || lpad(g::text, 12, '0'), :accountId, :type, NULL, :now, '{}'::jsonb
                  FROM generate_series(1, :count) AS g
                RETURNING id, account_id, type)
            INSERT INTO event_inbox (event_id, account_id, type) SELECT id, account_id, type FROM recorded
            """)
            .param("prefix", prefix)
            .param("accountId", store.id())
            .param("type", type)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("count", count)
            .update();
        eventSignal.fire();
    }

    /** Whether nothing of the account's waits in the event inbox or the execution queue. */
    private boolean idle(TestAccounts.TestAccount store) {
        return db.sql("""
            SELECT NOT EXISTS (SELECT 1 FROM event_inbox WHERE account_id = :a)
               AND NOT EXISTS (SELECT 1 FROM execution_queue WHERE account_id = :a)
            """)
            .param("a", store.id())
            .query(Boolean.class)
            .single();
    }

    private long count(TestAccounts.TestAccount store, String automationId, String status) {
        return db.sql("SELECT count(*) FROM executions WHERE account_id = :a AND automation_id = :id AND status = :s")
            .param("a", store.id())
            .param("id", automationId)
            .param("s", status)
            .query(Long.class)
            .single();
    }

    private void endToEnd(TestAccounts.TestAccount store) throws Exception {
        for (var action : List.of("bench.noop", "bench.call")) {
            for (int steps : new int[]{1, 5}) {
                endToEnd(store, steps, action);
            }
        }
    }

    private void endToEnd(TestAccounts.TestAccount store, int steps, String action) throws Exception {
        int total = steps == 1 ? ONE_STEP_EXECUTIONS : FIVE_STEP_EXECUTIONS;
        Warm warm = warmUp(store, steps, total, action);
        String event = "acme.bench_" + steps + "step_" + action.replace('.', '_');
        String id = automation(store, event, steps, action);
        PROFILE.clear();
        long compiling = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        var walBefore = wal();
        long insertStart = System.nanoTime();
        insertEvents(store, event, "e2e" + steps + "s" + action.replace('.', '_'), total);
        long start = System.nanoTime();
        boolean done = waitUntil(() -> count(store, id, "succeeded") >= total, 300);
        double elapsed = seconds(start);
        var walAfter = wal();
        long succeeded = count(store, id, "succeeded");
        if (steps == 1 && action.equals("bench.noop")) {
            tillOneStep = succeeded / elapsed;
        } else if (steps == 1) {
            tillOneStepCalling = succeeded / elapsed;
        }
        line("(b) %d-step automation, %s: %,d executions in %.2f s = %,.0f executions/s, %,.0f steps/s "
            + "(from commit of the bulk event insert to the last execution succeeded, polled every 50 ms; "
            + "insert took %.2f s, not counted)%s", steps,
            action.equals("bench.noop")
                ? "no-op steps taken in the match's transaction (as record actions are)"
                : "no-op steps performed as actions that call out are",
            succeeded, elapsed, succeeded / elapsed,
            succeeded * steps / elapsed, (start - insertStart) / 1e9, done ? "" : " — TIMED OUT");
        line("    time spent per phase (summed over the loops): %s; JIT compiling meanwhile %,d ms",
            profile(elapsed),
            ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - compiling);
        line("    WAL per execution (with the events' insert): %,.0f bytes in %.1f records, %.2f full-page images; "
            + "%d checkpoints meanwhile", (walAfter.bytes() - walBefore.bytes()) / (double) total,
            (walAfter.records() - walBefore.records()) / (double) total,
            (walAfter.pageImages() - walBefore.pageImages()) / (double) total,
            walAfter.checkpoints() - walBefore.checkpoints());
        line("    after %d untimed rounds of the same while the JIT compiled; the first, on a cold JVM, ran at "
            + "%,.0f executions/s", warm.rounds(), total / warm.firstSeconds());
    }

    /** What the server has written to its write-ahead log so far, and how many checkpoints it has made. */
    private record Wal(long bytes, long records, long pageImages, long checkpoints) {}

    private Wal wal() {
        return db.sql("""
            SELECT w.wal_bytes, w.wal_records, w.wal_fpi, c.num_timed + c.num_requested AS checkpoints
              FROM pg_stat_wal w, pg_stat_checkpointer c
            """)
            .query((rs, row) -> new Wal(rs.getLong("wal_bytes"), rs.getLong("wal_records"), rs.getLong("wal_fpi"),
                rs.getLong("checkpoints")))
            .single();
    }

    /** Runs Till's workload of {@code steps}-step runs untimed until the JIT has compiled its hot path. */
    private Warm warmUp(TestAccounts.TestAccount store, int steps, int total, String action) {
        String event = "acme.bench_warm_" + steps + "step_" + action.replace('.', '_');
        String warm = automation(store, event, steps, action);
        var rounds = new AtomicInteger();
        return untilCompiled(() -> {
            int round = rounds.incrementAndGet();
            insertEvents(store, event, "warm" + steps + "s" + action.replace('.', '_') + round + "_", total);
            waitUntil(() -> count(store, warm, "succeeded") >= (long) round * total, 300);
        });
    }

    /**
     * Runs {@code round} (a workload, untimed) until the JIT has compiled its hot path: until a round during which the
     * compiler works for less than a tenth of the round's time, at most {@link #WARM_ROUNDS_MOST} rounds. Each engine
     * in this benchmark gets the same rule (Graphile Worker, on Node, gets the most rounds).
     */
    private static Warm untilCompiled(Runnable round) {
        var compiler = ManagementFactory.getCompilationMXBean();
        double first = 0;
        for (int rounds = 1;; rounds++) {
            long compiled = compiler.getTotalCompilationTime();
            long start = System.nanoTime();
            round.run();
            double took = seconds(start);
            first = rounds == 1 ? took : first;
            double compiling = (compiler.getTotalCompilationTime() - compiled) / 1e3;
            if (compiling < took / 10 || rounds == WARM_ROUNDS_MOST) {
                return new Warm(rounds, first);
            }
        }
    }

    /** How many untimed rounds warmed an engine, and how long the first took (with its inserts and polling). */
    private record Warm(int rounds, double firstSeconds) {}

    private static String profile(double elapsed) {
        var parts = new TreeMap<String, String>();
        PROFILE.forEach((name, v) -> parts.put(name, "%s %d calls %.2f s (%.1f ms avg)".formatted(name, v[1].sum(),
            v[0].sum() / 1e9, v[1].sum() == 0 ? 0 : v[0].sum() / 1e6 / v[1].sum())));
        // Rounds overlap (first steps beside the matchers, workers' rounds, writes as steps end), so the phases add up
        // to more than the wall time; a save is timed with its wait for a connection.
        return String.join("; ", parts.values()) + " over %.2f s wall".formatted(elapsed);
    }

    // (c) ---------------------------------------------------------------------------------------------------------

    private void latency(TestAccounts.TestAccount store, int rate, int durationSeconds) throws Exception {
        String event = "acme.bench_latency_" + rate;
        String id = automation(store, event, 1);
        String body = "{\"type\": \"%s\", \"data\": {}}".formatted(event);
        int total = rate * durationSeconds;
        var failures = new AtomicInteger();
        var completed = new AtomicInteger();
        var inFlight = new Semaphore(MAX_IN_FLIGHT);
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < total; i++) {
                long wait = start + i * intervalNanos - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                inFlight.acquire();
                clients.submit(() -> {
                    try {
                        post(store, "/api/v1/events", body);
                        completed.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
        double sendSeconds = seconds(start);
        waitUntil(() -> count(store, id, "succeeded") >= completed.get(), 120);
        var percentiles = firstStepPercentiles(store.id(), id, "");
        line("(c) latency event -> first step at %,d events/s offered for %d s (single POSTs at a fixed rate, at "
            + "most %d in flight; achieved %,.0f events/s, %d failed): p50 %.1f ms, p99 %.1f ms, max %.1f ms over "
            + "%,.0f executions", rate, durationSeconds, MAX_IN_FLIGHT, completed.get() / sendSeconds,
            failures.get(), percentiles[1], percentiles[2], percentiles[3], percentiles[0]);
    }

    // (d) ---------------------------------------------------------------------------------------------------------

    private void claims(TestAccounts.TestAccount store) {
        String automation = automation(store, "acme.bench_claim", 1);
        // The state every execution starts from, as ExecutionQueue.start writes it.
        String startState = json.writeValueAsString(StateJson.write(ExecutionState.start()));
        db.sql("""
            WITH x AS (
                INSERT INTO executions (id, account_id, automation_id, version, status, trigger_key, trigger,
                                        customer_id, state, created_at, updated_at)
                SELECT 'exe_claimq' || lpad(g::text, 16, '0'), :a, :automation, 1, 'pending', 'claimq:' || g,
                       '{}'::jsonb, NULL, CAST(:state AS jsonb), now(), now()
                  FROM generate_series(1, :n) AS g
                RETURNING id, account_id)
            INSERT INTO execution_queue (execution_id, account_id, due_at)
            SELECT id, account_id, now() - interval '1 minute' FROM x
            """)
            .param("a", store.id())
            .param("automation", automation)
            .param("n", CLAIM_QUEUE)
            .param("state", startState)
            .update();
        claimRates(); // a first pass warms the JIT and the queue's pages, so that neither figure below pays for it
        var empty = claimRates();
        long insertStart = System.nanoTime();
        db.sql(
            """
                WITH x AS (
                    INSERT INTO executions (id, account_id, automation_id, version, status, trigger_key, trigger,
                                            customer_id, state, wake_at, created_at, updated_at)
                    SELECT 'exe_timer' || lpad(g::text, 17, '0'), :a, :automation, 1, 'waiting', 'timer:' || g,
                           '{}'::jsonb, NULL, CAST(:state AS jsonb), now() + interval '30 days' + g * interval '1 second', now(),
                           now()
                      FROM generate_series(1, :n) AS g
                    RETURNING id, account_id, wake_at)
                INSERT INTO execution_timers (execution_id, account_id, fire_at) SELECT id, account_id, wake_at FROM x
                """)
            .param("a", store.id())
            .param("automation", automation)
            .param("n", TIMERS)
            .param("state", startState)
            .update();
        double insertSeconds = seconds(insertStart);
        db.sql("ANALYZE executions").update();
        db.sql("ANALYZE execution_timers").update();
        var loaded = claimRates();
        for (int i = 0; i < empty.length; i++) {
            int batch = i == 0 ? 100 : 200;
            line("(d) claim, batches of %d, %,d due in the queue: %,.0f claimed/s with 0 timers, %,.0f claimed/s "
                + "with %,d pending delayed executions (%+.1f%%; target within 10%%)", batch, CLAIM_QUEUE, empty[i],
                loaded[i], TIMERS, (loaded[i] / empty[i] - 1) * 100);
        }
        line("    (claims timed alone, one thread, each batch then released to the queue; %,d timers + executions "
            + "inserted in one INSERT ... SELECT generate_series in %.1f s; 10,000,000 not tried, for time)",
            TIMERS, insertSeconds);
    }

    private double[] claimRates() {
        db.sql("VACUUM ANALYZE execution_queue").update();
        double[] rates = new double[2];
        int[] batches = {100, 200};
        for (int i = 0; i < batches.length; i++) {
            claimFor(batches[i], Duration.ofSeconds(1));
            rates[i] = claimFor(batches[i], CLAIM_MEASURE);
        }
        return rates;
    }

    private double claimFor(int batch, Duration duration) {
        long claimed = 0;
        long claimNanos = 0;
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            UUID token = UUID.randomUUID();
            long start = System.nanoTime();
            claimed += queue.claim(token, batch, Timestamps.now(clock), Duration.ofSeconds(60)).size();
            claimNanos += System.nanoTime() - start;
            db.sql("UPDATE execution_queue SET due_at = :now, lease_token = NULL WHERE lease_token = :token")
                .param("now", Timestamps.of(Timestamps.now(clock)))
                .param("token", token)
                .update();
        }
        return claimed / (claimNanos / 1e9);
    }

    // (f) ---------------------------------------------------------------------------------------------------------

    private void dbScheduler() throws Exception {
        dbSchedulerTable();
        var run = dbSchedulerRun("", true);
        double rate = run.perSecond();
        dbSchedulerRate = rate;
        line("(f) db-scheduler 16.12.0, same %,d one-time no-op tasks due now on the same database and pool: "
            + "%.2f s = %,.0f tasks/s (threads %d, pollingInterval 100 ms, pollUsingLockAndFetch(0.5, 3.0); "
            + "from commit of the bulk insert to the table empty; after %d untimed rounds of the same)%s",
            ONE_STEP_EXECUTIONS, run.seconds(), rate, DB_SCHEDULER_THREADS, run.warmRounds(),
            run.finished() ? "" : " — TIMED OUT");
        if (tillOneStep > 0) {
            line("(f) ratio Till 1-step executions/s / db-scheduler tasks/s: %.2f (target >= 2); with steps performed "
                + "as calls out: %.2f", tillOneStep / rate, tillOneStepCalling / rate);
        }
    }

    /** db-scheduler's table, as its documentation creates it for PostgreSQL. */
    private void dbSchedulerTable() {
        db.sql("""
            CREATE TABLE IF NOT EXISTS scheduled_tasks (
                task_name text NOT NULL,
                task_instance text NOT NULL,
                task_data bytea,
                execution_time timestamp with time zone NOT NULL,
                picked BOOLEAN NOT NULL,
                picked_by text,
                last_success timestamp with time zone,
                last_failure timestamp with time zone,
                consecutive_failures INT,
                last_heartbeat timestamp with time zone,
                version BIGINT NOT NULL,
                priority SMALLINT,
                PRIMARY KEY (task_name, task_instance))
            """).update();
        db.sql("CREATE INDEX IF NOT EXISTS execution_time_idx ON scheduled_tasks (execution_time)").update();
        db.sql("CREATE INDEX IF NOT EXISTS last_heartbeat_idx ON scheduled_tasks (last_heartbeat)").update();
        db.sql("CREATE INDEX IF NOT EXISTS priority_execution_time_idx ON scheduled_tasks (priority DESC, "
            + "execution_time ASC)").update();
    }

    private static final int DB_SCHEDULER_THREADS = 10;

    /** One timed run of db-scheduler's no-op tasks, after untimed ones while the JIT compiles if {@code warm}. */
    private record Timed(double seconds, double perSecond, int warmRounds, boolean finished) {}

    private Timed dbSchedulerRun(String prefix, boolean warm) {
        var task = Tasks.oneTime("bench-noop").execute((instance, executionContext) -> {
        });
        var scheduler = Scheduler.create(dataSource, task)
            .threads(DB_SCHEDULER_THREADS)
            .pollingInterval(Duration.ofMillis(100))
            .pollUsingLockAndFetch(0.5, 3.0)
            .build();
        scheduler.start();
        try {
            var rounds = new AtomicInteger();
            int warmRounds = !warm ? 0 : untilCompiled(() -> {
                scheduleNow(prefix + "warm" + rounds.incrementAndGet() + "_", ONE_STEP_EXECUTIONS);
                waitUntil(this::noTasksLeft, 300);
            }).rounds();
            scheduleNow(prefix + "run", ONE_STEP_EXECUTIONS);
            long start = System.nanoTime();
            boolean finished = waitUntil(this::noTasksLeft, 300);
            double elapsed = seconds(start);
            return new Timed(elapsed, ONE_STEP_EXECUTIONS / elapsed, warmRounds, finished);
        } finally {
            scheduler.stop();
        }
    }

    private void scheduleNow(String prefix, int count) {
        db.sql("""
            INSERT INTO scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, version)
            SELECT 'bench-noop', :prefix || g, NULL, now(), false, 1 FROM generate_series(1, :count) AS g
            """)
            .param("prefix", prefix)
            .param("count", count)
            .update();
    }

    private boolean noTasksLeft() {
        return db.sql("SELECT count(*) FROM scheduled_tasks").query(Long.class).single() == 0;
    }

    /** Count, p50, p99 and max of event -> first step (ms) of an automation's runs whose event id has the prefix. */
    private double[] firstStepPercentiles(String accountId, String automationId, String eventPrefix) {
        return percentiles("""
            SELECT extract(epoch FROM min(s.started_at) - ev.occurred_at) * 1000 AS ms
              FROM executions x
              JOIN events ev ON ev.id = x.trigger_key
              JOIN execution_steps s ON s.execution_id = x.id
             WHERE x.account_id = :a AND x.automation_id = :id AND x.trigger_key LIKE :prefix || '%'
             GROUP BY x.id, ev.occurred_at""", accountId, automationId, eventPrefix);
    }

    /**
     * The same for event -> a moment of the run itself: {@code created_at} (started by the matcher, on its round's
     * clock) or {@code finished_at} (the run's end).
     */
    private double[] runPercentiles(String column, String accountId, String automationId, String eventPrefix) {
        return percentiles("""
            SELECT extract(epoch FROM x.%s - ev.occurred_at) * 1000 AS ms
              FROM executions x
              JOIN events ev ON ev.id = x.trigger_key
             WHERE x.account_id = :a AND x.automation_id = :id AND x.trigger_key LIKE :prefix || '%%'""".formatted(
            column), accountId, automationId, eventPrefix);
    }

    private double[] percentiles(String sample, String accountId, String automationId, String eventPrefix) {
        return db.sql("WITH sample AS (" + sample + """
            )
            SELECT count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
              FROM sample
            """)
            .param("a", accountId)
            .param("id", automationId)
            .param("prefix", eventPrefix)
            .query((rs, row) -> new double[]{rs.getLong("n"), rs.getDouble("p50"), rs.getDouble("p99"), rs
                .getDouble("max")})
            .single();
    }

    // (h) ---------------------------------------------------------------------------------------------------------

    /**
     * 300 fast one-step runs started in one batch, alone and then beside one run whose action takes 10 s (as an SMTP
     * server answering slowly would): event -> end of each fast run. The fast runs' steps are performed as calls out
     * are (bench.call), so that they share a round with the slow one, as a send_email step would.
     */
    private void slowNeighbour(TestAccounts.TestAccount store) {
        String fast = automation(store, "acme.bench_fast", 1, "bench.call");
        String slow = automation(store, "acme.bench_slow", 1, "bench.slow");
        double[] alone = fastBeside(store, fast, slow, "fastalone", false);
        double[] beside = fastBeside(store, fast, slow, "fastbeside", true);
        line("(h) slow neighbour: 300 fast 1-step runs (steps performed as calls out) started in one batch, event -> "
            + "run's end: alone p50 %.1f ms, "
            + "p99 %.1f ms; beside one run whose action takes 10 s p50 %.1f ms, p99 %.1f ms (%,.0f and %,.0f runs)",
            alone[1], alone[2], beside[1], beside[2], alone[0], beside[0]);
    }

    private double[] fastBeside(TestAccounts.TestAccount store, String fast, String slow, String prefix,
        boolean withSlow) {
        db.sql("""
            WITH recorded AS (
                INSERT INTO events (id, account_id, type, customer_id, occurred_at, data)
                SELECT 'evt_' || :prefix || lpad(g::text, 12, '0'), :accountId,
                       CASE WHEN g = 0 THEN 'acme.bench_slow' ELSE 'acme.bench_fast' END, NULL, :now, '{}'::jsonb
                  FROM generate_series(CASE WHEN :withSlow THEN 0 ELSE 1 END, 300) AS g
                RETURNING id, account_id, type)
            INSERT INTO event_inbox (event_id, account_id, type) SELECT id, account_id, type FROM recorded
            """)
            .param("prefix", prefix)
            .param("accountId", store.id())
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("withSlow", withSlow)
            .update();
        eventSignal.fire();
        waitUntil(() -> succeeded(store, fast, "evt_" + prefix) >= 300, 120);
        var figures = runPercentiles("finished_at", store.id(), fast, "evt_" + prefix);
        if (withSlow) {
            waitUntil(() -> succeeded(store, slow, "evt_" + prefix) >= 1, 120);
        }
        return figures;
    }

    private long succeeded(TestAccounts.TestAccount store, String automationId, String eventPrefix) {
        return db.sql("""
            SELECT count(*) FROM executions
             WHERE account_id = :a AND automation_id = :id AND status = 'succeeded' AND trigger_key LIKE :p || '%'
            """)
            .param("a", store.id())
            .param("id", automationId)
            .param("p", eventPrefix)
            .query(Long.class)
            .single();
    }

    // (i) ---------------------------------------------------------------------------------------------------------

    /**
     * Account A records 100,000 events at once; account B posts single events, 20 a second, while A's drain: B's
     * event -> first step, and A's drain rate.
     */
    private void flood() throws Exception {
        var flooding = accounts.create();
        var quiet = accounts.create();
        String a = automation(flooding, "acme.bench_flood", 1);
        String b = automation(quiet, "acme.bench_quiet", 1);
        String body = "{\"type\": \"acme.bench_quiet\", \"data\": {}}";
        long insertStart = System.nanoTime();
        insertEvents(flooding, "acme.bench_flood", "flood", FLOOD);
        PROFILE.clear();
        long start = System.nanoTime();
        double insertSeconds = (start - insertStart) / 1e9;
        int posted = 0;
        // Drained when none of A's work is left in the inbox or the queue: two index probes, where counting A's
        // succeeded runs every 50 ms read up to 100,000 rows each time and took a core from the engine it measures.
        while (!idle(flooding) && seconds(start) < 300) {
            post(quiet, "/api/v1/events", body);
            posted++;
            LockSupport.parkNanos(50_000_000);
        }
        double drained = seconds(start);
        long succeeded = count(flooding, a, "succeeded");
        if (succeeded != FLOOD) {
            line("(i) flood: only %,d of A's %,d runs succeeded", succeeded, FLOOD);
        }
        waitUntil(() -> count(quiet, b, "succeeded") >= 1, 60);
        var quietFigures = firstStepPercentiles(quiet.id(), b, "");
        var quietMatched = runPercentiles("created_at", quiet.id(), b, "");
        line("(i) flood: account A's %,d events (one INSERT, %.1f s) drained in %.1f s = %,.0f executions/s; account "
            + "B's %d single events posted meanwhile, event -> first step p50 %.1f ms, p99 %.1f ms, max %.1f ms "
            + "(target p99 < 1 s); of which event -> matched (run created) p50 %.1f ms, p99 %.1f ms", FLOOD,
            insertSeconds, drained, FLOOD / drained, posted, quietFigures[1], quietFigures[2], quietFigures[3],
            quietMatched[1], quietMatched[2]);
        line("    time spent per phase (summed over the loops): %s", profile(drained));
    }

    // (g) ---------------------------------------------------------------------------------------------------------

    private void graphileWorker() throws Exception {
        Optional<GraphileWorkerPeer.Result> result;
        try {
            result = GraphileWorkerPeer.run(dataSource, ONE_STEP_EXECUTIONS, WARM_ROUNDS_MOST);
        } catch (IllegalStateException e) {
            line("(g) Graphile Worker: failed: %s", e.getMessage());
            return;
        }
        if (result.isEmpty()) {
            line("(g) Graphile Worker: not run (bench/automation-engine installs it with npm and sets "
                + "TILL_BENCH_GRAPHILE)");
            return;
        }
        line("(g) %s (Node %s; 24 concurrent jobs, local queue of 500, completions batched, as on Graphile's "
            + "performance page; same database; from commit of one add_jobs to the table empty; after %d untimed rounds "
            + "of the same)", result.get().line(), nodeVersion(), WARM_ROUNDS_MOST);
        if (tillOneStep > 0) {
            line("(g) ratio Till 1-step executions/s / Graphile Worker jobs/s: %.2f (target >= 0.5); with steps "
                + "performed as calls out: %.2f; db-scheduler / Graphile Worker: %.2f",
                tillOneStep / result.get().jobsPerSecond(), tillOneStepCalling / result.get().jobsPerSecond(),
                dbSchedulerRate / result.get()
                    .jobsPerSecond());
        }
    }

    // (j) ---------------------------------------------------------------------------------------------------------

    /**
     * The three engines' no-op rates again, in alternating rounds, each round in another order: here the disk's commit
     * latency and the machine's speed drift within minutes, so rates measured minutes apart, as (b), (f) and (g) are,
     * compare the moments as much as the engines. Till and db-scheduler are warmed first unless (b) and (f) ran before;
     * Graphile Worker, a new Node process each round, warms again each round.
     */
    private void alternating(TestAccounts.TestAccount store, SmartLifecycle workers, boolean tillWarm,
        boolean dbSchedulerWarm) throws Exception {
        dbSchedulerTable();
        if (!tillWarm) {
            workers.start();
            try {
                warmUp(store, 1, ONE_STEP_EXECUTIONS, "bench.noop");
            } finally {
                workers.stop();
            }
        }
        var ratiosDbScheduler = new ArrayList<Double>();
        var ratiosGraphile = new ArrayList<Double>();
        for (int round = 1; round <= ALTERNATING_ROUNDS; round++) {
            var rates = new Rate[3];
            int r = round;
            List<Callable<Rate>> engines = List.of(() -> {
                workers.start();
                try {
                    return tillOneStepRun(store, r);
                } finally {
                    workers.stop();
                }
            }, () -> {
                var run = dbSchedulerRun("alt" + r + "_", r == 1 && !dbSchedulerWarm);
                if (!run.finished()) {
                    db.sql("DELETE FROM scheduled_tasks").update(); // not to hold up the next round
                }
                return new Rate(run.perSecond(), run.finished(), null);
            }, () -> {
                try {
                    return GraphileWorkerPeer.run(dataSource, ONE_STEP_EXECUTIONS, WARM_ROUNDS_MOST)
                        .map(result -> new Rate(result.jobsPerSecond(), true, null))
                        .orElse(new Rate(0, true, "not run (bench/automation-engine installs it)"));
                } catch (IllegalStateException e) {
                    return new Rate(0, true, "failed: " + e.getMessage());
                }
            });
            var order = new ArrayList<String>();
            for (int i = 0; i < engines.size(); i++) {
                int engine = (i + round - 1) % engines.size();
                rates[engine] = engines.get(engine).call();
                order.add(List.of("Till", "db-scheduler", "Graphile Worker").get(engine));
            }
            ratiosDbScheduler.add(rates[0].perSecond() / rates[1].perSecond());
            String graphile = rates[2].missing();
            if (graphile == null) {
                ratiosGraphile.add(rates[0].perSecond() / rates[2].perSecond());
                graphile = "%,.0f jobs/s (ratio %.2f)".formatted(rates[2].perSecond(),
                    rates[0].perSecond() / rates[2].perSecond());
            }
            line("(j) round %d (%s): Till 1-step %,.0f executions/s%s; db-scheduler %,.0f tasks/s%s (ratio %.2f); "
                + "Graphile Worker %s", round, String.join(", ", order), rates[0].perSecond(), rates[0].timedOut(),
                rates[1].perSecond(), rates[1].timedOut(), rates[0].perSecond() / rates[1].perSecond(), graphile);
        }
        line("(j) median ratio over %d alternating rounds: Till / db-scheduler %.2f (target >= 2); Till / Graphile "
            + "Worker %s (target >= 0.5)", ALTERNATING_ROUNDS, median(ratiosDbScheduler),
            ratiosGraphile.isEmpty() ? "not run" : "%.2f".formatted(median(ratiosGraphile)));
    }

    /** An engine's rate in one round of (j); {@code missing} says why there is none. */
    private record Rate(double perSecond, boolean finished, String missing) {

        String timedOut() {
            return finished ? "" : " — TIMED OUT";
        }
    }

    /** Till's 1-step no-op runs, measured as (b) measures them, for events of a type of the round's own. */
    private Rate tillOneStepRun(TestAccounts.TestAccount store, int round) {
        String event = "acme.bench_alternating_" + round;
        String id = automation(store, event, 1);
        insertEvents(store, event, "alt" + round + "_", ONE_STEP_EXECUTIONS);
        long start = System.nanoTime();
        boolean finished = waitUntil(() -> count(store, id, "succeeded") >= ONE_STEP_EXECUTIONS, 300);
        return new Rate(count(store, id, "succeeded") / seconds(start), finished, null);
    }

    private static double median(List<Double> values) {
        var sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static String nodeVersion() throws Exception {
        Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
        String version = new String(node.getInputStream().readAllBytes()).trim();
        node.waitFor(1, TimeUnit.MINUTES);
        return version;
    }

    // ------------------------------------------------------------------------------------------------------------

    private double tillOneStep;
    private double tillOneStepCalling;
    private double dbSchedulerRate;

    private void line(String format, Object... args) {
        String text = format.formatted(args);
        lines.add(text);
        log.info("bench: {}", text);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static boolean waitUntil(java.util.function.BooleanSupplier condition, int timeoutSeconds) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            LockSupport.parkNanos(50_000_000);
        }
        return false;
    }
}
