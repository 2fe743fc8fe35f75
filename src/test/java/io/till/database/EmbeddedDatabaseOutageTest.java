package io.till.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.TillApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Till on its own embedded PostgreSQL, which is killed under it: clients are told to come back, readiness says the
 * node is not ready, and once the server is started again everything goes on by itself. The test starts the server
 * again itself (the watchdog waits an hour here) so that the outage lasts as long as the assertions need;
 * {@link EmbeddedDatabaseCrashTest} shows the watchdog doing it on its own.
 */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedDatabaseOutageTest {

    private static final String KEY = "till_sandbox_test_0123456789abcdef0123456789abcdef";
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void answers503WithRetryAfterAndIsNotReadyWhileTheDatabaseIsAwayThenResumesByItself(CapturedOutput output)
        throws Exception {
        try (var till = new SpringApplicationBuilder(TillApplication.class).run("--server.port=0",
            "--spring.main.banner-mode=off", "--till.database.data-dir=" + dataDir,
            // Durable, as in production: the server is killed, and without fsync it may forget the key and the
            // automation.
            "--till.database.embedded-watch-interval=1h",
            "--till.database.connection-timeout=1s", "--till.bootstrap.api-key=" + KEY,
            "--till.master-key=ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=")) {
            String automation = field(send(till, "POST", "/api/v1/automations", """
                {"name": "Ends at once", "trigger": {"type": "manual"}, "steps": [{"id": "halt", "type": "stop"}]}
                """), "id");
            assertThat(send(till, "POST", "/api/v1/automations/" + automation + "/activate", null).statusCode())
                .isEqualTo(200);
            assertThat(send(till, "GET", "/actuator/health/readiness", null).statusCode()).isEqualTo(200);

            EmbeddedDatabaseCrashTest.killServer(dataDir);

            var refused = send(till, "GET", "/api/v1/account", null);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(field(refused, "code")).isEqualTo("database_unavailable");
            // Promptly: the check gives up after two seconds instead of waiting out the pool.
            await(() -> send(till, "GET", "/actuator/health/readiness", null),
                response -> response.statusCode() == 503 && response.body().contains("DOWN"), Duration.ofSeconds(10));
            await(output::getOut, out -> out.contains("The automation engine cannot reach the database"));

            assertThat(till.getBean(DatabaseConfiguration.EmbeddedDatabaseHandle.class).database().restartIfGone())
                .isTrue();

            await(() -> send(till, "GET", "/actuator/health/readiness", null), r -> r.statusCode() == 200);
            // Ready means the database answers; a request at that very moment was once answered 503 with
            // Retry-After still (on a loaded machine; its cause not pinned down), which is what a client retries.
            await(() -> send(till, "GET", "/api/v1/account", null), r -> r.statusCode() == 200);
            var run = send(till, "POST", "/api/v1/automations/" + automation + "/run", null);
            assertThat(run.statusCode()).as(run.body()).isIn(200, 201, 202);
            String execution = field(run, "id");
            await(() -> send(till, "GET", "/api/v1/executions/" + execution, null),
                response -> field(response, "status").equals("succeeded"));
            // Said by the loop that saw the outage once its own round is back, which may follow the run's commit.
            await(output::getOut, out -> out.contains("The automation engine reaches the database again"));
            assertThat(output.getOut().lines().filter(line -> line.contains("cannot reach the database"))
                .filter(line -> line.contains("The automation engine"))).hasSize(1);
        }
    }

    private HttpResponse<String> send(ConfigurableApplicationContext till, String method, String path, String body)
        throws Exception {
        var request = HttpRequest
            .newBuilder(URI.create("http://localhost:" + till.getEnvironment().getProperty("local.server.port") + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + KEY)
            .header("Content-Type", "application/json")
            .method(method, body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String field(HttpResponse<String> response, String name) {
        var matcher = java.util.regex.Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(response.body());
        return matcher.find() ? matcher.group(1) : "";
    }

    @FunctionalInterface
    private interface Probe<T> {
        T get() throws Exception;
    }

    /** Asks until the answer satisfies the condition, for at most {@link #BOUND}. */
    private static <T> void await(Probe<T> probe, Predicate<T> condition) throws Exception {
        await(probe, condition, BOUND);
    }

    private static <T> void await(Probe<T> probe, Predicate<T> condition, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        T last = probe.get();
        while (!condition.test(last)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("still not so after " + bound + ": " + last);
            }
            TimeUnit.MILLISECONDS.sleep(100);
            last = probe.get();
        }
    }
}
