package io.till.testing;

import io.swagger.v3.oas.annotations.Hidden;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** API endpoints that exist only in tests, to make the edge of the application misbehave on demand. */
@TestComponent
@RestController
@Hidden
public class TestEndpoints {

    private volatile CountDownLatch entered = new CountDownLatch(1);
    private volatile CountDownLatch release = new CountDownLatch(0);
    private final AtomicInteger slowCalls = new AtomicInteger();

    /** Makes the next calls to /slow wait until {@link #releaseSlowCalls()}. */
    public void holdSlowCalls() {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
    }

    public boolean awaitSlowCallEntered() throws InterruptedException {
        return entered.await(10, TimeUnit.SECONDS);
    }

    public void releaseSlowCalls() {
        release.countDown();
    }

    public int slowCalls() {
        return slowCalls.get();
    }

    @PostMapping("/api/v1/test_support/slow")
    ResponseEntity<String> slow(@RequestBody(required = false) String body) throws InterruptedException {
        slowCalls.incrementAndGet();
        entered.countDown();
        release.await(10, TimeUnit.SECONDS);
        return ResponseEntity.status(201).header("Content-Type", "application/json").body("{\"done\":true}");
    }

    @PostMapping("/api/v1/test_support/boom")
    String boom() {
        throw new IllegalStateException("secret internal detail");
    }

    /** What the pool throws when the database is away: Hikari's timeout around the driver's "connection refused". */
    @PostMapping("/api/v1/test_support/database_away")
    String databaseAway() {
        throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
            new SQLTransientConnectionException("till - Connection is not available, request timed out after 5000ms",
                "08001", new SQLException("Connection to localhost:5432 refused", "08001")));
    }

    @PostMapping("/api/v1/test_support/server_error")
    ResponseEntity<String> serverError() {
        return ResponseEntity.status(503).header("Content-Type", "application/json").body("{\"down\":true}");
    }
}
