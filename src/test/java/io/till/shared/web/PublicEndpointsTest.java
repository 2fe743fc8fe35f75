package io.till.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Await;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** What is reachable without credentials: health, metrics and the API's own documentation. */
@TillIntegrationTest
class PublicEndpointsTest {

    @Autowired
    Api api;

    @Test
    void reportsHealthIncludingTheDatabase() {
        var health = api.get("/actuator/health", null);
        var readiness = api.get("/actuator/health/readiness", null);

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("UP");
        assertThat(readiness.status()).isEqualTo(200);
    }

    @Test
    void exposesPrometheusMetrics() {
        api.get("/api/v1/account", null);

        // A request is timed once its answer is sent: the first scrape may come before it.
        Await.until("the request timed", () -> api.get("/actuator/prometheus", null).text()
            .contains("http_server_requests_seconds_count"));
        var metrics = api.get("/actuator/prometheus", null);

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).contains("http_server_requests_seconds_count").contains("hikaricp_connections");
    }

    @Test
    void publishesTheOpenApiDocumentInSnakeCase() {
        var document = api.get("/v3/api-docs", null);

        assertThat(document.status()).isEqualTo(200);
        var json = document.json();
        var paths = new ArrayList<String>();
        json.get("paths").propertyNames().forEach(paths::add);
        assertThat(paths).contains("/api/v1/account", "/api/v1/api_keys", "/api/v1/api_keys/{id}")
            .noneMatch(path -> path.contains("test_support"));
        var created = json.get("components").get("schemas").get("Created").get("properties");
        assertThat(created.has("created_at")).isTrue();
        assertThat(created.has("createdAt")).isFalse();
        assertThat(json.get("components").get("securitySchemes").get("apiKey").get("scheme").asString())
            .isEqualTo("bearer");
        assertThat(document.text()).doesNotContain("\"caller\"");
    }

    @Test
    void servesABrowsableApiReference() {
        var page = api.get("/swagger-ui/index.html", null);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("swagger-ui");
    }
}
