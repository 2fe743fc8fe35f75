package io.till.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Graphile Worker (Node.js) as a peer of Till's engine: {@code bench/graphile-worker.js} run against the benchmark's own
 * database, with graphile-worker from the folder {@code TILL_BENCH_GRAPHILE} names (bench/automation-engine installs
 * it there with npm).
 */
final class GraphileWorkerPeer {

    private static final Pattern RATE = Pattern.compile("= (\\d+) jobs/s");

    /** What the peer printed, and its rate. */
    record Result(String line, double jobsPerSecond) {}

    private GraphileWorkerPeer() {}

    /**
     * Runs {@code jobs} batched no-op jobs, after {@code warmRounds} untimed runs of the same; empty when
     * graphile-worker is not installed.
     */
    static Optional<Result> run(DataSource dataSource, int jobs, int warmRounds) throws Exception {
        String folder = System.getenv("TILL_BENCH_GRAPHILE");
        if (folder == null || folder.isBlank()) {
            return Optional.empty();
        }
        var hikari = dataSource.unwrap(HikariDataSource.class);
        URI jdbc = URI.create(hikari.getJdbcUrl().substring("jdbc:".length()));
        String user = hikari.getUsername();
        if (user == null && jdbc.getQuery() != null) {
            for (String pair : jdbc.getQuery().split("&")) {
                if (pair.startsWith("user=")) {
                    user = pair.substring("user=".length());
                }
            }
        }
        String password = hikari.getPassword() == null ? "" : ":" + hikari.getPassword();
        String url = "postgres://" + (user == null ? "postgres" : user) + password + "@" + jdbc.getHost() + ":"
            + jdbc.getPort() + jdbc.getPath();
        var builder = new ProcessBuilder("node", "bench/graphile-worker.js", url, String.valueOf(jobs),
            String.valueOf(warmRounds))
            .redirectErrorStream(true);
        builder.environment().put("NODE_PATH", folder + "/node_modules");
        Process node = builder.start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!node.waitFor(10, TimeUnit.MINUTES) || node.exitValue() != 0) {
            throw new IllegalStateException("graphile-worker did not finish: " + output);
        }
        var rate = RATE.matcher(output);
        if (!rate.find()) {
            throw new IllegalStateException("graphile-worker printed no rate: " + output);
        }
        return Optional.of(new Result(output, Double.parseDouble(rate.group(1))));
    }
}
