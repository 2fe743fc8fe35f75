package io.till.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.TillApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Till on its own embedded PostgreSQL, the way a newcomer runs it: started, stopped and started again. */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedDatabaseTest {

    private static final String BOOTSTRAP_KEY = "till_sandbox_test_0123456789abcdef0123456789abcdef";

    @TempDir
    Path dataDir;

    @Test
    void keepsDataAndKeysAcrossRestarts() throws Exception {
        String createdKey;
        try (var till = start(dataDir, "--till.bootstrap.api-key=" + BOOTSTRAP_KEY)) {
            assertThat(get(till, "/api/v1/account", BOOTSTRAP_KEY).statusCode()).isEqualTo(200);
            var created = post(till, "/api/v1/api_keys", BOOTSTRAP_KEY);
            assertThat(created.statusCode()).isEqualTo(201);
            createdKey = created.body().replaceAll(".*\"key\":\"([^\"]+)\".*", "$1");
        }

        try (var till = start(dataDir, "--till.bootstrap.api-key=")) {
            var account = get(till, "/api/v1/account", BOOTSTRAP_KEY);
            assertThat(account.statusCode()).isEqualTo(200);
            assertThat(get(till, "/api/v1/account", createdKey).body()).isEqualTo(account.body());
        }
    }

    @Test
    void printsTheDashboardLoginAndAWorkingKeyOnFirstStartOnly(CapturedOutput output) throws Exception {
        String printedKey;
        try (var till = start(dataDir, "--till.bootstrap.admin-email=owner@shop.test")) {
            String port = till.getEnvironment().getProperty("local.server.port");
            assertThat(output.getOut()).contains("Dashboard:  http://localhost:" + port + "/admin")
                .contains("Login:      owner@shop.test")
                .containsPattern("Password:   [0-9a-z]{20}");
            var key = Pattern.compile("API key:    (till_sandbox_[0-9a-z]+_[0-9a-z]+)").matcher(output.getOut());
            assertThat(key.find()).isTrue();
            printedKey = key.group(1);
            assertThat(get(till, "/api/v1/account", printedKey).statusCode()).isEqualTo(200);
        }
        int printedSoFar = output.getOut().length();

        try (var till = start(dataDir)) {
            assertThat(output.getOut().substring(printedSoFar)).contains("Till is running")
                .doesNotContain(printedKey)
                .doesNotContain("Password:");
        }
    }

    @Test
    void theEmbeddedDatabaseFlushesEveryAcknowledgedWriteToDiskAndVacuumsTheQueuesEveryFewSeconds() {
        try (var till = start(dataDir)) {
            var db = JdbcClient.create(till.getBean(DataSource.class));
            for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
                assertThat(db.sql("SHOW " + setting).query(String.class).single()).as(setting).isEqualTo("on");
            }
            assertThat(db.sql("SHOW autovacuum_naptime").query(String.class).single()).isEqualTo("5s");
        }
    }

    @Test
    void refusesASecondTillOnTheSameDataDirectory() {
        try (var first = start(dataDir)) {
            assertThatThrownBy(() -> start(dataDir)).hasRootCauseInstanceOf(DataDirectoryInUseException.class)
                .rootCause()
                .hasMessageContaining(dataDir.toAbsolutePath().toString());
            assertThat(first.isRunning()).isTrue();
        }
    }

    @Test
    void refusesToSwitchAnExistingAccountsMode() {
        try (var till = start(dataDir)) {
            assertThat(till.isRunning()).isTrue();
        }

        assertThatThrownBy(() -> start(dataDir, "--till.bootstrap.mode=live"))
            .hasStackTraceContaining("was created in sandbox mode");
    }

    @Test
    void refusesABootstrapKeyOfTheWrongMode() {
        assertThatThrownBy(() -> start(dataDir, "--till.bootstrap.mode=live",
            "--till.bootstrap.api-key=" + BOOTSTRAP_KEY))
            .hasStackTraceContaining("TILL_BOOTSTRAP_API_KEY is a sandbox key but the account is in live mode");
    }

    private static ConfigurableApplicationContext start(Path dataDir, String... args) {
        var all = new java.util.ArrayList<>(java.util.List.of("--server.port=0",
            "--till.database.data-dir=" + dataDir, "--spring.main.banner-mode=off"));
        all.addAll(java.util.List.of(args));
        return new SpringApplicationBuilder(TillApplication.class).run(all.toArray(String[]::new));
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext till, String path, String key)
        throws Exception {
        return send(till, HttpRequest.newBuilder(uri(till, path)).GET(), key);
    }

    private static HttpResponse<String> post(ConfigurableApplicationContext till, String path, String key)
        throws Exception {
        return send(till, HttpRequest.newBuilder(uri(till, path)).POST(HttpRequest.BodyPublishers.noBody()), key);
    }

    private static HttpResponse<String> send(ConfigurableApplicationContext till, HttpRequest.Builder request,
        String key) throws Exception {
        try (var http = HttpClient.newHttpClient()) {
            return http.send(request.header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
        }
    }

    private static URI uri(ConfigurableApplicationContext till, String path) {
        return URI.create("http://localhost:" + till.getEnvironment().getProperty("local.server.port") + path);
    }
}
