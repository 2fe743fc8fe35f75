package io.till.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar {@code ./mvnw package} makes, started as a self-hoster starts it (docs/SELF_HOSTING.md): {@code java -jar}
 * with its settings in the environment, in a directory of its own. On the embedded defaults it prints where to go,
 * serves the API and the dashboard, stops cleanly on SIGTERM (the signal systemd and docker send), and finds its
 * account again when started anew on the same data. Run by failsafe after {@code package}, in {@code ./mvnw verify}.
 */
class PackagedJarIT {

    private static final String KEY = "till_sandbox_packaged_0123456789abcdef0123456789abcdef";
    private static final Pattern ACCOUNT = Pattern.compile("\"id\"\\s*:\\s*\"(acct_[a-z0-9]+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A running jar and everything it printed so far. */
    private record Started(Process process, List<String> output, int port, Thread reader) {

        String printed() {
            synchronized (output) {
                return String.join("\n", output);
            }
        }
    }

    private Started start(Path home, int port) throws IOException {
        Path jar = Path.of(System.getProperty("till.jar", "target/till-0.1.0-SNAPSHOT.jar")).toAbsolutePath();
        assertThat(jar).as("the packaged jar (./mvnw package)").isRegularFile();
        var builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx384m", "-jar",
            jar.toString()).directory(home.toFile()).redirectErrorStream(true);
        builder.environment().put("TILL_PORT", Integer.toString(port));
        builder.environment().put("TILL_DATA_DIR", home.resolve("data").toString());
        builder.environment().put("TILL_ADMIN_EMAIL", "owner@example.com");
        builder.environment().put("TILL_ADMIN_PASSWORD", "correct horse battery");
        builder.environment().put("TILL_BOOTSTRAP_API_KEY", KEY);
        Process process = builder.start();
        var output = new ArrayList<String>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (output) {
                        output.add(line);
                    }
                }
            } catch (IOException ended) {
                // The process is gone.
            }
        });
        return new Started(process, output, port, reader);
    }

    private HttpResponse<String> get(Started till, String path, String key) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + till.port() + path))
            .timeout(Duration.ofSeconds(30));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until readiness is UP (the database answers, migrations done), or fails with what the jar printed. */
    private void awaitReady(Started till) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            assertThat(till.process().isAlive()).as("the jar is running; it printed:\n" + till.printed()).isTrue();
            try {
                if (get(till, "/actuator/health/readiness", null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
        }
        throw new AssertionError("the jar was not ready within 3 minutes; it printed:\n" + till.printed());
    }

    private static int stop(Started till) throws InterruptedException {
        till.process().destroy();
        assertThat(till.process().waitFor(60, TimeUnit.SECONDS)).as("stopped within a minute of SIGTERM:\n"
            + till.printed()).isTrue();
        // Everything it printed, to the last line.
        till.reader().join(TimeUnit.SECONDS.toMillis(10));
        return till.process().exitValue();
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void theJarStartsOnTheEmbeddedDefaultsServesStopsCleanlyAndFindsItsAccountAgain(@TempDir Path home)
        throws Exception {
        var first = start(home, freePort());
        String accountId;
        try {
            awaitReady(first);
            var account = get(first, "/api/v1/account", KEY);
            assertThat(account.statusCode()).as(account.body()).isEqualTo(200);
            assertThat(account.body()).contains("\"mode\":\"sandbox\"");
            Matcher id = ACCOUNT.matcher(account.body());
            assertThat(id.find()).isTrue();
            accountId = id.group(1);
            assertThat(get(first, "/admin/login", null).body()).contains("Sign in");
            assertThat(get(first, "/v3/api-docs", null).statusCode()).isEqualTo(200);
            // Printed once the jar is ready; the line may trail readiness by a moment.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!first.printed().contains("Login:") && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            assertThat(first.printed()).contains("Dashboard:  http://localhost:" + first.port() + "/admin",
                "Login:      owner@example.com", "API key:    (the one in TILL_BOOTSTRAP_API_KEY)",
                "account " + accountId);
        } finally {
            int exit = stop(first);
            assertThat(exit).as("a clean stop on SIGTERM (0, or 143 as systemd counts it):\n" + first.printed())
                .isIn(0, 143);
        }
        // The same data directory again: its lock was released, its database kept.
        var second = start(home, freePort());
        try {
            awaitReady(second);
            var account = get(second, "/api/v1/account", KEY);
            assertThat(account.statusCode()).as(account.body()).isEqualTo(200);
            assertThat(account.body()).contains(accountId);
        } finally {
            stop(second);
        }
        assertThat(second.printed()).doesNotContain("Login:").contains("account " + accountId);
    }
}
