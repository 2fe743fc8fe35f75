package io.till.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/** Every answer, page or JSON, tells the browser to run only Till's own files and never to be framed. */
@TillIntegrationTest
class SecurityHeadersTest {

    @Autowired
    Api api;

    @Autowired
    TestAccounts accounts;

    @Value("${local.server.port}")
    int port;

    @Test
    void everyAnswerCarriesTheBrowserDefenses() {
        var browser = new RawBrowser(port);
        browser.signIn("owner@till.test", "correct horse battery");
        String key = accounts.create().apiKey();

        var answers = List.of(new RawBrowser(port).get("/admin/login"), new RawBrowser(port).get("/admin"),
            browser.get("/admin/customers"), browser.get("/admin/no-such-page", "Accept", "text/html"),
            browser.get("/admin/assets/till.css"), new RawBrowser(port).get("/api/v1/account"),
            new RawBrowser(port).get("/api/v1/account", "Authorization", "Bearer " + key),
            new RawBrowser(port).get("/api/v1/customers/cus_unknown", "Authorization", "Bearer " + key),
            new RawBrowser(port).get("/v3/api-docs"), new RawBrowser(port).get("/actuator/health"));

        assertThat(answers).extracting(RawBrowser.Response::status)
            .containsExactly(200, 302, 200, 404, 200, 401, 200, 404, 200, 200);
        for (var answer : answers) {
            String policy = answer.header("Content-Security-Policy");
            assertThat(policy).as("CSP of an answer %s", answer.status())
                .contains("default-src 'self'")
                .contains("script-src 'self'")
                .contains("style-src 'self'")
                .contains("object-src 'none'")
                .contains("base-uri 'self'")
                .contains("form-action 'self'")
                .contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline")
                .doesNotContain("unsafe-eval");
            assertThat(answer.header("Referrer-Policy")).isEqualTo("strict-origin-when-cross-origin");
            assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(answer.header("X-Frame-Options")).isEqualTo("DENY");
        }
    }

    /**
     * The policy forbids inline scripts, styles and event handlers; the templates of pages must not need them. An
     * email's HTML ({@code email*.html}) is never served under the policy, and mail clients read inline styles only.
     */
    @Test
    void templatesHaveNoInlineScriptsOrStyles() throws IOException {
        var inline = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>|<style\\b|\\sstyle=|\\son[a-z]+=|javascript:",
            Pattern.CASE_INSENSITIVE);
        try (Stream<Path> files = Files.walk(Path.of("src/main/resources/templates"))) {
            var offenders = files.filter(file -> file.toString().endsWith(".html"))
                .filter(file -> !file.getFileName().toString().startsWith("email"))
                .filter(file -> inline.matcher(read(file)).find())
                .map(Path::toString)
                .toList();
            assertThat(offenders).isEmpty();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
