package io.till.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * What the database's sessions are doing while the load runs, from {@code pg_stat_activity} every 200 ms: busy in a
 * query, waiting (for a row lock, for the WAL to reach the disk, …), or idle inside a transaction (the client holds
 * the connection and the database waits for its next statement). Tells a database that is the bottleneck from a
 * client that holds its connections while it does something else.
 */
final class DatabaseSessions implements Runnable {

    private static final String SAMPLE = """
        SELECT a.state, coalesce(a.wait_event_type || '/' || a.wait_event, 'running') AS doing,
               extract(epoch FROM clock_timestamp() - a.xact_start) AS transaction_seconds,
               left(regexp_replace(a.query, '\s+', ' ', 'g'), 90) AS query,
               -- pg_blocking_pids takes the lock manager's locks: asked only of a session that waits for a lock.
               CASE WHEN a.wait_event_type = 'Lock'
                    THEN (SELECT left(regexp_replace(b.query, '\s+', ' ', 'g'), 90) FROM pg_stat_activity b
                           WHERE b.pid = (pg_blocking_pids(a.pid))[1])
               END AS blocker
          FROM pg_stat_activity a
         WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid() AND a.state <> 'idle'
        """;

    private final DataSource dataSource;
    private final Map<String, LongAdder> seen = new ConcurrentHashMap<>();
    /** What sessions idle in a transaction ran last, and what a session waiting on a lock waits for, by statement. */
    private final Map<String, LongAdder> idleAfter = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> lockWaits = new ConcurrentHashMap<>();
    private final AtomicInteger samples = new AtomicInteger();
    private volatile double longestTransactionSeconds;
    volatile boolean stop;

    DatabaseSessions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void run() {
        try (Connection connection = dataSource.getConnection(); var statement = connection.prepareStatement(SAMPLE)) {
            while (!stop) {
                try (var rows = statement.executeQuery()) {
                    while (rows.next()) {
                        String state = rows.getString("state");
                        String what = state.equals("active") ? rows.getString("doing") : state;
                        seen.computeIfAbsent(what, k -> new LongAdder()).increment();
                        if (state.startsWith("idle in transaction")) {
                            idleAfter.computeIfAbsent(rows.getString("query"), k -> new LongAdder()).increment();
                        } else if (what.startsWith("Lock/")) {
                            lockWaits.computeIfAbsent(rows.getString("query") + "  <-  held by a session that ran: "
                                + rows.getString("blocker"), k -> new LongAdder()).increment();
                        }
                        longestTransactionSeconds = Math.max(longestTransactionSeconds, rows.getDouble(
                            "transaction_seconds"));
                    }
                }
                samples.incrementAndGet();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        } catch (SQLException e) {
            seen.computeIfAbsent("sampling failed: " + e.getMessage(), k -> new LongAdder()).increment();
        }
    }

    /** Sessions per sample in each state, on average, e.g. "idle in transaction 2.31, running 0.80, …". */
    String summary() {
        int n = Math.max(1, samples.get());
        return "%d samples; sessions not idle, on average per sample: %s; longest transaction %.1f s".formatted(
            samples.get(), new TreeMap<>(seen).entrySet().stream()
                .map(e -> "%s %.2f".formatted(e.getKey(), e.getValue().sum() / (double) n))
                .collect(Collectors.joining(", ")),
            longestTransactionSeconds);
    }

    /** The statements most often seen last before a session sat idle in its transaction, and behind lock waits. */
    String where() {
        return "    idle in transaction after:\n" + top(idleAfter) + "\n    waiting for a lock:\n" + top(lockWaits);
    }

    private String top(Map<String, LongAdder> counts) {
        int n = Math.max(1, samples.get());
        return counts.entrySet().stream()
            .sorted(Map.Entry.<String, LongAdder>comparingByValue(java.util.Comparator.comparingLong(LongAdder::sum))
                .reversed())
            .limit(6)
            .map(e -> "      %.2f  %s".formatted(e.getValue().sum() / (double) n, e.getKey()))
            .collect(Collectors.joining("\n"));
    }
}
