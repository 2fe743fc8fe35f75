package io.till.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.till.testing.Api;
import io.till.testing.TillIntegrationTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Readiness while the database gives no answer at all (a hung server, a dropped network, a pool with nothing left):
 * it says DOWN when its two seconds are up, instead of hanging as long as the pool would wait, and checks asked in the
 * meantime wait for the one in flight rather than pile up more. {@link EmbeddedDatabaseOutageTest} covers a server
 * that refuses at once. The check asks for its connection from a thread of its own, which is not serving a request,
 * so from the workers' pool ({@link ConnectionPools}): holding every connection of that pool is a database that hangs.
 */
@TillIntegrationTest
class DatabaseHealthIndicatorTest {

    private static final String NO_ANSWER = "no answer within 2 s";

    @Autowired
    DatabaseHealthIndicator database;
    @Autowired
    DataSource dataSource;
    @Autowired
    @Qualifier("workerPool")
    HikariDataSource workerPool;
    @Autowired
    Api api;

    @Test
    void readinessAnswersDownRatherThanWaitWhileTheDatabaseGivesNoConnectionAndUpOnceItDoes() throws Exception {
        var held = new HeldConnections(workerPool);
        Api.Response readiness;
        Health health;
        try (var client = Executors.newSingleThreadExecutor()) {
            var asked = client.submit(() -> api.get("/actuator/health/readiness", null));
            health = database.health();
            readiness = asked.get(60, TimeUnit.SECONDS);
        } finally {
            held.close();
        }

        assertThat(readiness.status()).isEqualTo(503);
        assertThat(readiness.json().get("status").asString()).isEqualTo("DOWN");
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("error", NO_ANSWER);

        var ready = api.get("/actuator/health/readiness", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asString()).isEqualTo("UP");
        assertThat(database.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void checksAskedWhileOneWaitsForTheDatabaseShareItsAnswerInsteadOfAskingAgain() throws Exception {
        var answers = new CountDownLatch(1);
        var asked = new AtomicInteger();
        var hanging = new DelegatingDataSource(dataSource) {
            @Override
            public Connection getConnection() throws SQLException {
                asked.incrementAndGet();
                try {
                    answers.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while the database hung", e);
                }
                return super.getConnection();
            }
        };
        var readiness = new DatabaseHealthIndicator(hanging);

        try (var probes = Executors.newFixedThreadPool(8)) {
            List<Callable<Health>> eight = Collections.nCopies(8, readiness::health);
            for (var check : probes.invokeAll(eight)) {
                assertThat(check.get().getStatus()).isEqualTo(Status.DOWN);
                assertThat(check.get().getDetails()).containsEntry("error", NO_ANSWER);
            }
            assertThat(asked).hasValue(1);
        } finally {
            answers.countDown();
        }

        assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);
    }
}
