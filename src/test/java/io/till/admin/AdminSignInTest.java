package io.till.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TillIntegrationTest;
import java.net.CookieManager;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The owner created on first start signs in to the dashboard with the configured password. */
@TillIntegrationTest
class AdminSignInTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @Autowired
    Api api;

    private final HttpClient browser = HttpClient.newBuilder()
        .cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();

    @Test
    void sendsStrangersToTheSignInPage() throws Exception {
        var response = get("/admin");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(
            location -> assertThat(location).endsWith("/admin/login"));
    }

    @Test
    void signsTheOwnerInAndShowsTheAccountsKeys() throws Exception {
        var signIn = signIn("owner@till.test", "correct horse battery");

        assertThat(signIn.statusCode()).isEqualTo(302);
        assertThat(signIn.headers().firstValue("Location").orElseThrow()).endsWith("/admin");
        var dashboard = get("/admin/developers/api-keys");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("API keys").contains("First key").contains("till_sandbox_");
    }

    @Test
    void createsAnApiKeyFromTheDashboardAndShowsItOnce() throws Exception {
        signIn("owner@till.test", "correct horse battery");

        String form = get("/admin/developers/api-keys").body();
        var created = post("/admin/developers/api-keys", "name="
            + URLEncoder.encode("From the dashboard", StandardCharsets.UTF_8) + "&_csrf=" + csrf(form) + "&form_key="
            + Pattern.compile("name=\"form_key\" value=\"([^\"]+)\"").matcher(form).results().findFirst()
                .orElseThrow().group(1));
        var shown = get("/admin/developers/api-keys");
        var shownAgain = get("/admin/developers/api-keys");

        assertThat(created.statusCode()).isEqualTo(302);
        var key = Pattern.compile("id=\"created-key\">(till_sandbox_[0-9a-z_]+)<").matcher(shown.body());
        assertThat(key.find()).isTrue();
        assertThat(api.get("/api/v1/account", key.group(1)).status()).isEqualTo(200);
        assertThat(shownAgain.body()).doesNotContain(key.group(1));
    }

    @Test
    void showsBrowsersAnErrorPageRatherThanJson() throws Exception {
        signIn("owner@till.test", "correct horse battery");

        var missing = browser.send(HttpRequest.newBuilder(api.uri("/admin/no-such-page"))
            .header("Accept", "text/html")
            .GET()
            .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(missing.body()).contains("404").contains(missing.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void refusesAFormPostedWithoutCsrfToken() throws Exception {
        signIn("owner@till.test", "correct horse battery");

        var forged = post("/admin/developers/api-keys", "name=forged");

        assertThat(forged.statusCode()).isEqualTo(403);
    }

    @Test
    void refusesAWrongPassword() throws Exception {
        var signIn = signIn("owner@till.test", "wrong password");

        assertThat(signIn.headers().firstValue("Location").orElseThrow()).endsWith("/admin/login?error");
        assertThat(get("/admin").statusCode()).isEqualTo(302);
    }

    private HttpResponse<String> signIn(String email, String password) throws Exception {
        String token = csrf(get("/admin/login").body());
        return post("/admin/login", "username=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf=" + token);
    }

    private static String csrf(String html) {
        var matcher = CSRF.matcher(html);
        assertThat(matcher.find()).as("CSRF field in %s", html).isTrue();
        return matcher.group(1);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(api.uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form) throws Exception {
        return browser.send(HttpRequest.newBuilder(api.uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(), HttpResponse.BodyHandlers.ofString());
    }
}
