package io.till.database;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Readiness ({@code database} in the readiness group): whether the database answers within two seconds. A check never
 * waits out the pool's connection timeout, and while one is in flight the next ones wait for it instead of piling up
 * more connection attempts on a database that is away.
 */
@Component
class DatabaseHealthIndicator implements HealthIndicator {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final DataSource dataSource;
    private CompletableFuture<Health> inFlight = CompletableFuture.completedFuture(Health.unknown().build());

    DatabaseHealthIndicator(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Health health() {
        try {
            return check().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Health.down().withDetail("error", "no answer within " + TIMEOUT.toSeconds() + " s").build();
        } catch (ExecutionException e) {
            return Health.down(e.getCause()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down(e).build();
        }
    }

    private synchronized CompletableFuture<Health> check() {
        if (inFlight.isDone()) {
            inFlight = CompletableFuture.supplyAsync(this::ask, command -> Thread.ofVirtual().start(command));
        }
        return inFlight;
    }

    private Health ask() {
        try (var connection = dataSource.getConnection()) {
            return connection.isValid((int) TIMEOUT.toSeconds()) ? Health.up().build() : Health.down().build();
        } catch (SQLException e) {
            return Health.down(e).build();
        }
    }
}
