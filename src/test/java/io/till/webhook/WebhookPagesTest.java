package io.till.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.MutableClock;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Webhook endpoints in the dashboard, delivering to a real HTTP peer (WireMock) on 127.0.0.1. */
@TillIntegrationTest
class WebhookPagesTest {

    private static Chromium chromium;

    private final WireMockServer peer = new WireMockServer(options().dynamicPort());

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;
    @Autowired
    WebhookAgenda agenda;
    @Autowired
    MutableClock clock;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    @BeforeEach
    void startPeer() {
        peer.start();
        peerAnswers(200, "ok");
    }

    @AfterEach
    void stopPeer() {
        peer.stop();
    }

    private void peerAnswers(int status, String body) {
        peer.stubFor(post(urlEqualTo("/hooks")).willReturn(aResponse().withStatus(status).withBody(body)));
    }

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    private static Locator.GetByRoleOptions button(String name) {
        return new Locator.GetByRoleOptions().setName(name).setExact(true);
    }

    private Page signedIn(TestAccounts.TestAccount account, int width) {
        return StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(width));
    }

    private Page signedIn(TestAccounts.TestAccount account, int width, String path) {
        return StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(width), path);
    }

    /** Runs the webhook agenda (the tests' workers are off) and shows the page as it now stands. */
    private void deliverAndReload(Page page) {
        agenda.runDue();
        page.reload();
    }

    @Test
    void anEndpointAddedInTheDashboardShowsEachAttemptAndAFailedDeliveryIsReplayedToSuccess() {
        var account = accounts.create();
        var page = signedIn(account, 1280);
        page.context().grantPermissions(List.of("clipboard-read", "clipboard-write"));

        page.getByRole(AriaRole.LINK, named("Webhooks")).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Webhook endpoints"))).isVisible();
        assertThat(page.locator("main")).containsText("No endpoints yet.");
        String url = "http://127.0.0.1:" + peer.port() + "/hooks";
        page.getByLabel("Endpoint URL").fill(url);
        page.getByLabel("payment.failed", new Page.GetByLabelOptions().setExact(true)).check();
        page.getByLabel("Custom event types").fill("acme.signup");
        page.getByLabel("Description").fill("Our CRM");
        page.getByRole(AriaRole.BUTTON, named("Add endpoint")).click();

        assertThat(page.getByRole(AriaRole.HEADING, named(url))).isVisible();
        assertThat(page.locator(".facts")).containsText("payment.failed, acme.signup");
        String secret = page.locator("#endpoint-secret").textContent().strip();
        assertThat(secret).startsWith("whsec_");
        page.getByRole(AriaRole.BUTTON, named("Copy secret")).click();
        assertThat(page.getByRole(AriaRole.BUTTON, named("Copy secret"))).hasText("Copied");
        assertThat((String) page.evaluate("navigator.clipboard.readText()")).isEqualTo(secret);

        page.getByRole(AriaRole.BUTTON, named("Send test event")).click();
        assertThat(page.locator(".flash")).containsText("Test event queued");
        deliverAndReload(page);
        var first = page.locator("li.delivery").first();
        assertThat(first).containsText("webhook.test");
        assertThat(first.locator(".delivery-head .pill")).hasText("succeeded");
        assertThat(first.locator("tr.attempt")).hasCount(1);
        assertThat(first.locator("tr.attempt")).containsText("200 OK");
        assertThat(page.locator("#endpoint-secret")).hasCount(0);

        // The peer breaks: the attempt says how, in Till's words, and never echoes what the peer answered.
        peerAnswers(500, "java.lang.IllegalStateException at com.peer.internal.Handler");
        page.getByRole(AriaRole.BUTTON, named("Send test event")).click();
        assertThat(page.locator(".flash")).containsText("Test event queued");
        deliverAndReload(page);
        var failing = page.locator("li.delivery").first();
        assertThat(failing.locator(".delivery-head .pill")).hasText("pending");
        assertThat(failing.locator("tr.attempt")).hasCount(1);
        assertThat(failing.locator("tr.attempt")).containsText("500 Internal Server Error");
        assertThat(page.locator("main")).not().containsText("IllegalStateException");
        Chromium.screenshot(page, "dashboard-webhook-failed-attempt-1280");

        peerAnswers(200, "ok");
        failing.getByRole(AriaRole.BUTTON, button("Replay webhook.test delivery " + failing.getAttribute("id")))
            .click();
        assertThat(page.locator(".flash")).containsText("queued again");
        deliverAndReload(page);
        var replayed = page.locator("li.delivery").first();
        assertThat(replayed.locator(".delivery-head .pill")).hasText("succeeded");
        assertThat(replayed.locator("tr.attempt")).hasCount(2);
        assertThat(replayed.locator("tr.attempt").first()).containsText("200 OK");
        assertThat(replayed.locator("tr.attempt").nth(1)).containsText("500 Internal Server Error");
        peer.verify(3, postRequestedFor(urlEqualTo("/hooks")));
        Chromium.screenshot(page, "dashboard-webhook-endpoint-1280");

        // On a page of older deliveries, a replay comes back to that page, which leads back to the newest.
        String endpointPage = page.url().replaceFirst("[?#].*", "");
        String after = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(replayed.getAttribute("id")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        page.navigate(endpointPage + "?cursor=" + after);
        var older = page.locator("li.delivery").first();
        String olderId = older.getAttribute("id");
        older.getByRole(AriaRole.BUTTON, button("Replay webhook.test delivery " + olderId)).click();
        assertThat(page.locator(".flash")).containsText("queued again");
        assertThat(page).hasURL(endpointPage + "?cursor=" + after + "#" + olderId);
        page.getByRole(AriaRole.LINK, named("← Newest deliveries")).click();
        assertThat(page).hasURL(endpointPage);
        agenda.runDue();

        // Rotating asks first, shows the new secret once, and the old one is gone from the page for good.
        page.getByRole(AriaRole.BUTTON, named("Rotate secret")).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, button("Rotate secret")).click();
        assertThat(page.locator(".flash")).containsText("Secret rotated");
        String rotated = page.locator("#endpoint-secret").textContent().strip();
        assertThat(rotated).startsWith("whsec_").isNotEqualTo(secret);
        page.reload();
        assertThat(page.locator("#endpoint-secret")).hasCount(0);
        assertThat(page.locator("main")).not().containsText(rotated);

        // Disabling asks first too.
        page.getByRole(AriaRole.BUTTON, named("Disable")).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, button("Disable endpoint")).click();
        assertThat(page.locator(".facts .pill")).hasText("disabled");

        var phone = signedIn(account, 390);
        phone.navigate(page.url());
        assertThat(phone.locator("li.delivery")).hasCount(2);
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "dashboard-webhook-endpoint-390");
        phone.navigate(api.uri("/admin/webhooks").toString());
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "dashboard-webhooks-390");
        page.navigate(api.uri("/admin/webhooks").toString());
        Chromium.screenshot(page, "dashboard-webhooks-1280");
    }

    /**
     * "Add endpoint" sent twice (a double click, a resubmitted form) adds one endpoint: two were sent every event.
     * The browser does not send a form twice while its answer is on the way, and the server answers a second submit of
     * the same form as the first.
     */
    @Test
    void addingAnEndpointTwiceFromOneFormAddsOne() {
        var account = accounts.create();
        var page = signedIn(account, 1280);
        page.navigate(api.uri("/admin/webhooks").toString());
        page.getByLabel("Endpoint URL").fill("http://127.0.0.1:" + peer.port() + "/twice");
        page.getByLabel("payment.failed", new Page.GetByLabelOptions().setExact(true)).check();

        var statuses = page.evaluate("""
            async () => {
              const form = document.querySelector('form.dev-form');
              const send = () => fetch(form.action, {method: 'POST', body: new URLSearchParams(new FormData(form)),
                redirect: 'manual'}).then(r => r.type === 'opaqueredirect' ? 302 : r.status);
              return Promise.all([send(), send()]);
            }""");
        assertThat(statuses.toString()).isEqualTo("[302, 302]");
        assertThat(api.get("/api/v1/webhook_endpoints", account.apiKey()).json().get("data").size()).isEqualTo(1);

        // In the browser, a second press while the first is on its way is not sent at all.
        page.navigate(api.uri("/admin/webhooks").toString());
        page.getByLabel("Endpoint URL").fill("http://127.0.0.1:" + peer.port() + "/again");
        page.getByLabel("payment.failed", new Page.GetByLabelOptions().setExact(true)).check();
        page.evaluate("""
            () => {
              const button = [...document.querySelectorAll('form.dev-form button[type=submit]')].pop();
              button.click();
              button.click();
            }""");
        assertThat(page.locator("#endpoint-secret")).isVisible();
        assertThat(api.get("/api/v1/webhook_endpoints", account.apiKey()).json().get("data").size()).isEqualTo(2);
    }

    /** An account with more endpoints than one page of the API holds: the oldest is listed as the newest is. */
    @Test
    void everyEndpointIsListedBeyondTheFirstHundred() {
        var account = accounts.create();
        for (int i = 0; i <= 100; i++) {
            var created = api.post("/api/v1/webhook_endpoints", account.apiKey(), """
                {"url": "https://hooks.example.com/n%03d", "event_types": ["payment.failed"]}""".formatted(i));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
        }
        var page = signedIn(account, 1280);
        page.navigate(api.uri("/admin/webhooks").toString());

        assertThat(page.locator("main")).containsText("hooks.example.com/n000");
        assertThat(page.locator("main")).containsText("hooks.example.com/n100");
    }

    @Test
    void aDeliveryThatGaveUpSaysAfterHowManyAttemptsAndItsEndpointShowsFailingInTheList() {
        var account = accounts.create();
        peerAnswers(500, "down for maintenance");
        var created = api.post("/api/v1/webhook_endpoints", account.apiKey(), """
            {"url": "http://127.0.0.1:%d/hooks", "event_types": ["acme.signup"]}""".formatted(peer.port()));
        String id = created.json().get("id").asString();
        api.post("/api/v1/events", account.apiKey(), "{\"type\": \"acme.signup\", \"data\": {}}");
        agenda.runDue();
        // To each next retry of this account's delivery (other tests' retries may fall due in between).
        for (int step = 0; step < 20 && !gaveUp(account, id); step++) {
            db.sql("""
                SELECT next_attempt_at FROM webhook_deliveries WHERE account_id = :accountId AND status = 'pending'
                """).param("accountId", account.id()).query(java.sql.Timestamp.class).optional()
                .map(java.sql.Timestamp::toInstant)
                .filter(due -> due.isAfter(clock.instant()))
                .ifPresent(clock::moveTo);
            agenda.runDue();
        }
        assertThat(gaveUp(account, id)).isTrue();

        for (int width : new int[]{1280, 390}) {
            var page = signedIn(account, width, "/admin/webhooks");
            assertThat(page.locator("main tbody tr").first()).containsText("failing");
            Chromium.screenshot(page, "dashboard-webhooks-failing-" + width);

            page.navigate(api.uri("/admin/webhooks/" + id).toString());
            var delivery = page.locator("li.delivery").first();
            assertThat(delivery.locator(".delivery-head .pill")).hasText("exhausted");
            assertThat(delivery.locator(".delivery-head .pill")).hasClass(java.util.regex.Pattern.compile("\\bbad\\b"));
            assertThat(delivery.locator(".delivery-head")).containsText("gave up after 10 attempts");
            assertThat(delivery.locator("tr.attempt")).hasCount(10);
            assertThat(page.locator(".facts")).containsText("Failing since");
            Chromium.screenshot(page, "dashboard-webhook-gave-up-" + width);
        }
    }

    private boolean gaveUp(TestAccounts.TestAccount account, String endpointId) {
        var listed = api.get("/api/v1/webhook_endpoints/" + endpointId + "/deliveries", account.apiKey()).json();
        return listed.get("data").get(0).get("status").asString().equals("exhausted");
    }

    @Test
    void aUrlTheEgressGuardRefusesIsExplainedNextToItsFieldAndNothingIsAdded() {
        var account = accounts.create();
        var page = signedIn(account, 1280, "/admin/webhooks");
        page.getByLabel("Endpoint URL").fill("http://10.0.0.7/hooks");
        page.getByRole(AriaRole.BUTTON, named("Add endpoint")).click();

        assertThat(page.locator("#url-error")).containsText("reserved address");
        assertThat(page.getByLabel("Endpoint URL")).hasAttribute("aria-invalid", "true");
        assertThat(page.getByLabel("Endpoint URL")).hasValue("http://10.0.0.7/hooks");
        assertThat(page.locator("#types-error")).containsText("Tick at least one event, or All events");
        assertThat(page.locator("main")).containsText("No endpoints yet.");
        Chromium.screenshot(page, "dashboard-webhook-refused-1280");
        assertThat(api.get("/api/v1/webhook_endpoints", account.apiKey()).json().get("data")).isEmpty();
    }

    @Test
    void anEditWithARefusedUrlChangesNothingAndDeletingAsksFirst() {
        var account = accounts.create();
        var created = api.post("/api/v1/webhook_endpoints", account.apiKey(), """
            {"url": "http://127.0.0.1:%d/hooks", "event_types": ["payment.failed"]}""".formatted(peer.port()));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        var page = signedIn(account, 1280, "/admin/webhooks/" + id);

        page.getByLabel("Endpoint URL").fill("http://169.254.169.254/latest");
        page.getByRole(AriaRole.BUTTON, named("Save endpoint")).click();
        assertThat(page.locator("#url-error")).containsText("This URL names a loopback, private, link-local");
        assertThat(api.get("/api/v1/webhook_endpoints/" + id, account.apiKey()).json().get("url").asString())
            .isEqualTo("http://127.0.0.1:" + peer.port() + "/hooks");

        page.getByLabel("Endpoint URL").fill("http://127.0.0.1:" + peer.port() + "/hooks");
        page.getByLabel("All events, including ones added later").check();
        page.getByLabel("Description").fill("Everything, for the warehouse");
        page.getByRole(AriaRole.BUTTON, named("Save endpoint")).click();
        assertThat(page.locator(".flash")).hasText("Endpoint saved.");
        assertThat(page.locator(".facts")).containsText("All events");
        assertThat(page.locator(".heading")).containsText("Everything, for the warehouse");

        page.getByRole(AriaRole.BUTTON, named("Delete")).click();
        var confirm = page.getByRole(AriaRole.DIALOG);
        assertThat(confirm).containsText("cannot be undone");
        confirm.getByRole(AriaRole.BUTTON, button("Delete endpoint")).click();
        assertThat(page.locator(".flash")).containsText("Endpoint deleted");
        assertThat(page.locator("main")).containsText("No endpoints yet.");
        assertThat(api.get("/api/v1/webhook_endpoints/" + id, account.apiKey()).status()).isEqualTo(404);
    }

    @Test
    void anotherAccountsEndpointIsNotFound() {
        var other = accounts.create();
        var created = api.post("/api/v1/webhook_endpoints", other.apiKey(), """
            {"url": "http://127.0.0.1:%d/hooks", "event_types": ["*"]}""".formatted(peer.port()));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        var page = signedIn(accounts.create(), 1280);

        var answer = page.navigate(api.uri("/admin/webhooks/" + created.json().get("id").asString()).toString());

        assertThat(answer.status()).isEqualTo(404);
        assertThat(page.getByRole(AriaRole.HEADING, named("We couldn't find that"))).isVisible();
        assertThat(page.locator("main")).not().containsText("127.0.0.1");
    }
}
