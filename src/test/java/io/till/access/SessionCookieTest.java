package io.till.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.till.testing.ChildTills;
import io.till.testing.TillIntegrationTest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * The dashboard's session cookie: never readable by scripts, not sent along cross-site subrequests, renewed at
 * sign-in; {@code __Host-till_session} and {@code Secure} when Till's public address is HTTPS, a plain name over a
 * plain-http localhost (where browsers refuse {@code __Host-} cookies).
 */
@TillIntegrationTest
class SessionCookieTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    HikariDataSource dataSource;

    @Value("${till.master-key}")
    String masterKey;

    @Test
    void overPlainHttpTheCookieIsHttpOnlyLaxAndRenewedAtSignIn() {
        var browser = new RawBrowser(port);

        var page = browser.get("/admin/login");
        String before = browser.cookie("till_session");
        var signIn = browser.signIn("owner@till.test", "correct horse battery");
        String after = browser.cookie("till_session");

        assertThat(sessionCookie(page, "till_session")).contains("; Path=/", "; HttpOnly", "; SameSite=Lax")
            .doesNotContain("Secure")
            .doesNotContainIgnoringCase("Domain=");
        assertThat(before).isNotNull();
        assertThat(sessionCookie(signIn, "till_session")).contains("; HttpOnly", "; SameSite=Lax");
        assertThat(after).isNotNull().isNotEqualTo(before);
        assertThat(browser.get("/admin/customers").status()).isEqualTo(200);
        var thief = new RawBrowser(port);
        thief.get("/admin/login");
        assertThat(thief.send("GET", "/admin/customers", null, "Cookie", "till_session=" + before).status())
            .as("the id from before the sign-in is worth nothing").isEqualTo(302);
    }

    @Test
    void aForwardedProtoHeaderIsIgnoredUnlessForwardHeadersAreTrusted() {
        var browser = new RawBrowser(port);

        var page = browser.get("/admin/login", "X-Forwarded-Proto", "https");
        var signIn = browser.signIn("owner@till.test", "correct horse battery", "X-Forwarded-Proto", "https");

        assertThat(sessionCookie(page, "till_session")).doesNotContain("Secure");
        assertThat(signIn.header("Location")).isEqualTo("/admin");
    }

    @Test
    void behindATrustedHttpsProxyTheCookieIsHostPrefixedAndSecure() throws Exception {
        // Port 0, read back from its log: a port picked free here could be taken (by an outgoing connection's
        // ephemeral port) in the half minute the child takes to bind it.
        Process child = ChildTills.start(dataSource, masterKey, ChildTills.quickStart(),
            List.of("--server.port=0", "--logging.level.org.springframework.boot.tomcat.TomcatWebServer=INFO",
                "--till.bootstrap.public-url=https://till.example", "--server.forward-headers-strategy=native",
                "--till.automation.workers-enabled=false", "--till.webhooks.workers-enabled=false"));
        try {
            var output = drain(child);
            int childPort = awaitReady(child, output);
            var browser = new RawBrowser(childPort);

            var page = browser.get("/admin/login", "X-Forwarded-Proto", "https");
            String before = browser.cookie("__Host-till_session");
            var signIn = browser.signIn("owner@till.test", "correct horse battery", "X-Forwarded-Proto", "https");

            assertThat(sessionCookie(page, "__Host-till_session")).contains("; Path=/", "; Secure", "; HttpOnly",
                "; SameSite=Lax").doesNotContainIgnoringCase("Domain=");
            assertThat(page.all("Set-Cookie")).noneMatch(cookie -> cookie.startsWith("till_session="));
            assertThat(signIn.status()).isEqualTo(302);
            assertThat(signIn.header("Location")).isEqualTo("/admin");
            assertThat(browser.cookie("__Host-till_session")).isNotNull().isNotEqualTo(before);
            assertThat(browser.get("/admin/customers", "X-Forwarded-Proto", "https").status()).isEqualTo(200);
        } finally {
            ChildTills.kill(child);
        }
    }

    private static String sessionCookie(RawBrowser.Response response, String name) {
        return response.all("Set-Cookie")
            .stream()
            .filter(cookie -> cookie.startsWith(name + "="))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no " + name + " cookie among " + response.all("Set-Cookie")));
    }

    private static StringBuffer drain(Process child) {
        var output = new StringBuffer();
        Thread.ofVirtual().start(() -> {
            try (var reader = child.inputReader()) {
                reader.lines().forEach(line -> output.append(line).append('\n'));
            } catch (IOException | java.io.UncheckedIOException gone) {
                // The child was stopped.
            }
        });
        return output;
    }

    private static final java.util.regex.Pattern STARTED_ON = java.util.regex.Pattern.compile(
        "started on port (\\d+)");

    /** Polls the child's readiness, for at most two minutes; answers the port it logged it listens on. */
    private static int awaitReady(Process child, StringBuffer output) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline && child.isAlive()) {
            var started = STARTED_ON.matcher(output);
            if (started.find()) {
                int childPort = Integer.parseInt(started.group(1));
                try {
                    if (new RawBrowser(childPort).get("/actuator/health/readiness").status() == 200) {
                        return childPort;
                    }
                } catch (IllegalStateException notYet) {
                    // Not ready yet.
                }
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("the child Till did not become ready within two minutes; its output:\n" + output);
    }
}
