package io.till.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Requests and background work draw from pools of their own: either side may hold every connection it has and the
 * other still gets one. The test's own thread is not serving a request, so it stands for the background loops. The
 * generous bound only tells a wait for a connection that never comes (Hikari gives up after 30 s) from slowness.
 */
@TillIntegrationTest
class ConnectionPoolsTest {

    @Autowired
    HikariDataSource requestPool;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient db;
    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;

    @Test
    void backgroundWorkGetsAConnectionWhileRequestsHoldEveryOneOfTheirs() throws Exception {
        try (var held = new HeldConnections(requestPool)) {
            assertThat(within(() -> db.sql("SELECT 1").query(Integer.class).single())).isEqualTo(1);
        }
    }

    @Test
    void requestsAreServedWhileBackgroundWorkHoldsEveryConnectionOfItsOwn() throws Exception {
        var store = accounts.create();
        try (var held = new HeldConnections(context.getBean("workerPool", HikariDataSource.class))) {
            assertThat(within(() -> api.get("/api/v1/account", store.apiKey()).status())).isEqualTo(200);
        }
    }

    private static <T> T within(Callable<T> work) throws Exception {
        try (var thread = Executors.newSingleThreadExecutor()) {
            return thread.submit(work).get(60, TimeUnit.SECONDS);
        }
    }
}
