package io.till.database;

import static io.till.database.RequestAdmissionTest.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.till.shared.web.Problems;
import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TestEndpoints;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Till serves at most as many requests at once as the requests' pool has connections; the others wait their turn in
 * front of it, holding nothing, and one that cannot get a turn in time is told so at once, before anything was done.
 */
@TillIntegrationTest
class BusyRequestsTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    TestEndpoints endpoints;
    @Autowired
    RequestAdmission admission;
    @Autowired
    HikariDataSource requestPool;
    @Autowired
    Problems problems;

    @Test
    void aRequestThatFindsEverySlotTakenWaitsForItsTurnWithoutTakingAConnection() throws Exception {
        var shop = accounts.create();
        int slots = requestPool.getMaximumPoolSize();
        assertThat(admission.size()).isEqualTo(slots);
        int slowBefore = endpoints.slowCalls();
        endpoints.holdSlowCalls();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            var slow = new ArrayList<Future<Api.Response>>();
            for (int i = 0; i < slots; i++) {
                slow.add(clients.submit(() -> api.post("/api/v1/test_support/slow", shop.apiKey(), "{}")));
            }
            awaitUntil(() -> endpoints.slowCalls() == slowBefore + slots);

            var customer = clients.submit(() -> api.post("/api/v1/customers", shop.apiKey(), """
                {"name": "Patient", "email": "patient@example.com"}"""));
            awaitUntil(() -> admission.waiting() == 1);
            // Waiting in front of the pool, not in it: the connections stay free and nobody queues for one.
            assertThat(requestPool.getHikariPoolMXBean().getThreadsAwaitingConnection()).isZero();
            assertThat(requestPool.getHikariPoolMXBean().getActiveConnections()).isZero();
            // Health answers while every slot is taken: it is not a request slot's work.
            assertThat(api.get("/actuator/health/readiness", null).status()).isEqualTo(200);

            endpoints.releaseSlowCalls();
            assertThat(customer.get(30, TimeUnit.SECONDS).status()).isEqualTo(201);
            for (var call : slow) {
                assertThat(call.get(30, TimeUnit.SECONDS).status()).isEqualTo(201);
            }
        } finally {
            endpoints.releaseSlowCalls();
        }
        // A client may read its answer a moment before the filter that served it hands its slot back.
        awaitUntil(() -> admission.inUse() == 0);
    }

    @Test
    void aRequestThatGetsNoTurnInTimeIsAnswered503BusyWithRetryAfterAndNothingIsDone() throws Exception {
        var full = new RequestAdmission(1, Duration.ZERO);
        assertThat(full.enter()).isTrue();
        var filter = new RequestConnectionsFilter(full, problems, new SimpleMeterRegistry());
        var request = new MockHttpServletRequest("POST", "/api/v1/customers");
        var response = new MockHttpServletResponse();
        var chain = new MockFilterChain();

        filter.doFilter(request, response, chain);

        assertThat(chain.getRequest()).as("the request went no further").isNull();
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("1");
        assertThat(response.getContentType()).startsWith("application/problem+json");
        var problem = JsonMapper.builder().build().readTree(response.getContentAsString());
        assertThat(problem.get("code").asString()).isEqualTo("busy");
        assertThat(problem.get("detail").asString()).contains("Nothing was done").doesNotContain("Exception");
        assertThat(full.inUse()).as("the refused request holds no slot").isEqualTo(1);
    }

    @Test
    void aPageThatGetsNoTurnInTimeSaysTillIsBusy() throws Exception {
        var full = new RequestAdmission(1, Duration.ZERO);
        assertThat(full.enter()).isTrue();
        var filter = new RequestConnectionsFilter(full, problems, new SimpleMeterRegistry());
        var response = new MockHttpServletResponse();
        var chain = new MockFilterChain();

        filter.doFilter(new MockHttpServletRequest("GET", "/dashboard"), response, chain);

        assertThat(chain.getRequest()).isNull();
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("1");
        assertThat(response.getContentType()).startsWith("text/html");
        assertThat(response.getContentAsString()).contains("Till is busy").contains("try again");
    }
}
