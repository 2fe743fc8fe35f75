package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.AtOnce;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/** POST /api/v1/portal_sessions: a link for a seller's app that signs one customer in, once, for 15 minutes. */
@TillIntegrationTest
class PortalSessionsTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    Api api;

    @Autowired
    Shops shops;

    @Autowired
    MutableClock clock;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient db;

    @Test
    void aPortalSessionLinkSignsTheCustomerInOnceAndShowsTheirSubscriptions() {
        var shop = shops.open();
        String customerId = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com")
            .get("customer_id")
            .asString();

        var created = api.post("/api/v1/portal_sessions", shop.apiKey(), """
            {"customer_id": "%s", "return_url": "https://shop.example/account"}""".formatted(customerId));

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String url = created.json().get("url").asString();
        assertThat(url).startsWith("http://localhost:" + port + "/portal/" + shop.accountId() + "/session/");
        assertThat(Instant.parse(created.json().get("expires_at").asString()))
            .isEqualTo(clock.realTime().instant().plus(Duration.ofMinutes(15)).truncatedTo(ChronoUnit.MICROS));
        var browser = new PortalClient(port);
        var opened = browser.get(url);
        assertThat(opened.status()).isEqualTo(302);
        assertThat(opened.header("Location")).isEqualTo("/portal/" + shop.accountId() + "/");
        assertThat(opened.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
            .startsWith("till_portal_" + shop.accountId() + "=")
            .contains("Path=/", "HttpOnly", "SameSite=Lax"));
        var overview = browser.get("/portal/" + shop.accountId() + "/");
        assertThat(overview.status()).isEqualTo(200);
        assertThat(overview.body()).contains("Membership · Monthly", "$19.00", "Visa", "4242",
            "Back to Test store", "https://shop.example/account");
        assertThat(new PortalClient(port).get(url).status()).as("the link works once").isEqualTo(410);
    }

    /**
     * A session link made for another customer of the store (an attacker's own, sent to a buyer) does not silently
     * swap the account a signed-in buyer is in, where the next card they add would pay the attacker's subscriptions: it
     * asks first, naming both, and switches only when the buyer says so.
     */
    @Test
    void aSessionLinkForAnotherCustomerAsksBeforeSwitchingTheSignedInBuyer() {
        var shop = shops.open();
        String ada = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com").get("customer_id").asString();
        String mallory = shops.buy(shop, shop.monthly(), "pm_card_visa", "mallory@example.com").get("customer_id")
            .asString();
        var browser = new PortalClient(port);
        assertThat(browser.get(sessionUrl(shop, ada)).status()).isEqualTo(302);
        String overview = "/portal/" + shop.accountId() + "/";
        String link = sessionUrl(shop, mallory);

        var asked = browser.get(link);

        assertThat(asked.status()).isEqualTo(200);
        assertThat(asked.body()).contains("Switch account?", "ada@example.com", "Continue as mallory@example.com");
        assertThat(browser.get(overview).body()).contains("Signed in as <span class=\"signed-in-as\">ada@example.com");

        var switched = browser.post(link, link, "");

        assertThat(switched.status()).isEqualTo(302);
        assertThat(browser.get(overview).body())
            .contains("Signed in as <span class=\"signed-in-as\">mallory@example.com");
        assertThat(browser.get(sessionUrl(shop, mallory)).status()).as("the buyer's own link asks nothing")
            .isEqualTo(302);
    }

    private String sessionUrl(Shops.Shop shop, String customerId) {
        var created = api.post("/api/v1/portal_sessions", shop.apiKey(), "{\"customer_id\": \"" + customerId + "\"}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("url").asString();
    }

    /**
     * A reviewer found the sign-in link kept in clear for a day by the Idempotency-Key store, beside its hash: anyone
     * reading the database could sign in as the buyer, and a replay answered the same live link. It is shown once.
     */
    @Test
    void aSessionLinkIsNeitherKeptNorReplayedByTheIdempotencyStore() {
        var shop = shops.open();
        String customerId = shops.buy(shop, shop.monthly(), "pm_card_visa", "ida@example.com")
            .get("customer_id")
            .asString();
        String body = "{\"customer_id\": \"" + customerId + "\"}";

        var created = api.post("/api/v1/portal_sessions", shop.apiKey(), body, "Idempotency-Key", "session-once");
        var replayed = api.post("/api/v1/portal_sessions", shop.apiKey(), body, "Idempotency-Key", "session-once");

        assertThat(created.json().get("url").asString()).contains("/session/");
        assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replayed.json().get("url").isNull()).isTrue();
        long kept = db.sql("""
            SELECT count(*) FROM idempotency_keys
             WHERE account_id = :accountId AND strpos(convert_from(response_body, 'UTF8'), '/session/') > 0""")
            .param("accountId", shop.accountId())
            .query(Long.class)
            .single();
        assertThat(kept).isZero();
    }

    @Test
    void aSpentSessionLinkLeadsBackToTheSellersAppWhereANewOneIsMade() {
        var shop = shops.open();
        String customerId = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com")
            .get("customer_id")
            .asString();
        String withReturn = api
            .post("/api/v1/portal_sessions", shop.apiKey(),
                """
                    {"customer_id": "%s", "return_url": "https://shop.example/account?tab=billing&x=1"}"""
                    .formatted(customerId))
            .json().get("url").asString();
        String without = api.post("/api/v1/portal_sessions", shop.apiKey(), """
            {"customer_id": "%s"}""".formatted(customerId)).json().get("url").asString();
        assertThat(new PortalClient(port).get(withReturn).status()).isEqualTo(302);
        assertThat(new PortalClient(port).get(without).status()).isEqualTo(302);

        var used = new PortalClient(port).get(withReturn);
        assertThat(used.status()).isEqualTo(410);
        assertThat(used.body()).contains("This link no longer works", "Back to Test store",
            "href=\"https://shop.example/account?tab=billing&amp;x=1\"", "Email me a link");

        clock.passRealTime(Duration.ofMinutes(20));
        var expiredUnused = api.post("/api/v1/portal_sessions", shop.apiKey(), """
            {"customer_id": "%s", "return_url": "https://shop.example/later"}""".formatted(customerId));
        clock.passRealTime(Duration.ofMinutes(16));
        var late = new PortalClient(port).get(expiredUnused.json().get("url").asString());
        assertThat(late.status()).isEqualTo(410);
        assertThat(late.body()).contains("https://shop.example/later");

        var noReturn = new PortalClient(port).get(without);
        assertThat(noReturn.status()).isEqualTo(410);
        assertThat(noReturn.body()).contains("Email me a new link").doesNotContain("Back to Test store");
        String foreignToken = withReturn.replace("/portal/" + shop.accountId() + "/", "/portal/" + shops.open()
            .accountId() + "/");
        assertThat(new PortalClient(port).get(foreignToken).body()).as("another store's portal knows nothing of it")
            .doesNotContain("shop.example");
    }

    @Test
    void aCustomerOfAnotherAccountGetsNoPortalSession() {
        var shop = shops.open();
        var other = shops.open();
        String foreign = shops.buy(other, other.monthly(), "pm_card_visa", "bob@example.com")
            .get("customer_id")
            .asString();

        var refused = api.post("/api/v1/portal_sessions", shop.apiKey(), """
            {"customer_id": "%s"}""".formatted(foreign));

        // An id in a body that names nothing in this account is a bad field (README, Errors), as another's is.
        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("customer_id");
        assertThat(refused.json().get("errors").get(0).get("code").asString()).isEqualTo("not_found");
        assertThat(refused.text()).doesNotContain("bob@example.com");
    }

    @Test
    void aReturnUrlMustBeAWebAddress() {
        var shop = shops.open();
        String customerId = shops.buy(shop, shop.monthly(), "pm_card_visa", "cy@example.com")
            .get("customer_id")
            .asString();

        var refused = api.post("/api/v1/portal_sessions", shop.apiKey(), """
            {"customer_id": "%s", "return_url": "javascript:alert(1)"}""".formatted(customerId));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text()).contains("return_url");
    }

    @Test
    void withoutASessionThePortalSendsTheBuyerToSignIn() {
        var shop = shops.open();

        var overview = new PortalClient(port).get("/portal/" + shop.accountId() + "/");

        assertThat(overview.status()).isEqualTo(302);
        assertThat(overview.header("Location")).isEqualTo("/portal/" + shop.accountId());
    }

    /** A seller's app that opens its session link in several tabs at once signs one of them in, and fails none. */
    @Test
    void aSessionLinkOpenedFromEightBrowsersAtOnceSignsInOnce() throws Exception {
        var shop = shops.open();
        String customerId = shops.buy(shop, shop.monthly(), "pm_card_visa", "tabs@example.com")
            .get("customer_id")
            .asString();
        String url = sessionUrl(shop, customerId);
        var opens = new ArrayList<Callable<PortalClient.Response>>();
        for (int i = 0; i < 8; i++) {
            var browser = PortalClient.fromFreshAddress(port);
            opens.add(() -> browser.get(url));
        }

        var answers = AtOnce.call(opens);

        var statuses = answers.stream().map(PortalClient.Response::status).toList();
        assertThat(statuses).filteredOn(status -> status == 302).hasSize(1);
        assertThat(statuses).filteredOn(status -> status == 410).hasSize(7);
        assertThat(db.sql("SELECT count(*) FROM portal_sessions WHERE account_id = ? AND customer_id = ?")
            .params(shop.accountId(), customerId)
            .query(Integer.class)
            .single()).isEqualTo(1);
    }

    @Test
    void aLinkPreviewsHeadRequestLeavesTheSessionLinkForTheBuyer() {
        var shop = shops.open();
        String customerId = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com")
            .get("customer_id")
            .asString();
        String url = api.post("/api/v1/portal_sessions", shop.apiKey(), "{\"customer_id\": \"%s\"}"
            .formatted(customerId)).json().get("url").asString();

        var preview = new PortalClient(port).head(url);
        var opened = new PortalClient(port).get(url);

        assertThat(preview.status()).isIn(200, 405);
        assertThat(preview.headers().allValues("Set-Cookie")).noneSatisfy(cookie -> assertThat(cookie)
            .startsWith("till_portal_" + shop.accountId() + "="));
        assertThat(opened.status()).isEqualTo(302);
        assertThat(opened.header("Location")).isEqualTo("/portal/" + shop.accountId() + "/");
    }

    @Test
    void aBuyerIdleLongerThanTheSessionLastsIsToldItExpiredOnceWithTheFormForANewLink() {
        var shop = shops.open();
        var browser = signedIn(shop, shops.buy(shop, shop.monthly(), "pm_card_visa", "idle@example.com"));
        String overview = "/portal/" + shop.accountId() + "/";
        assertThat(browser.get(overview).status()).isEqualTo(200);

        clock.passRealTime(Duration.ofMinutes(31));
        var ended = browser.get(overview);
        var signIn = browser.get(ended.header("Location"));
        var afterwards = browser.get(overview);

        assertThat(ended.status()).isEqualTo(302);
        assertThat(ended.header("Location")).isEqualTo("/portal/" + shop.accountId() + "?expired");
        assertThat(signIn.status()).isEqualTo(200);
        assertThat(signIn.body()).contains("Your session has expired", "we can email you a new sign-in link",
            "name=\"email\"", "Email me a sign-in link");
        assertThat(afterwards.header("Location")).as("said once: the stale cookie is gone")
            .isEqualTo("/portal/" + shop.accountId());
    }

    @Test
    void aFormSentAfterTheSessionExpiredChangesNothingAndSaysTheSessionExpired() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "late@example.com");
        var browser = signedIn(shop, order);
        String cancel = "/portal/" + shop.accountId() + "/subscriptions/" + order.get("subscription_id").asString()
            + "/cancel";
        String token = PortalClient.csrf(browser.get(cancel).body());

        clock.passRealTime(Duration.ofMinutes(31));
        var sent = browser.postRaw(cancel, "reason=&reason_text=&_csrf=" + token);

        assertThat(sent.status()).isEqualTo(302);
        assertThat(sent.header("Location")).isEqualTo("/portal/" + shop.accountId() + "?expired");
        assertThat(shops.subscription(shop, order.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("active");
    }

    @Test
    void aBuyerSignedInAtAnotherStoreIsSentToSignInWithoutBeingToldTheirSessionExpired() {
        var shop = shops.open();
        var other = shops.open();
        var browser = signedIn(shop, shops.buy(shop, shop.monthly(), "pm_card_visa", "two@example.com"));

        var elsewhere = browser.get("/portal/" + other.accountId() + "/");

        assertThat(elsewhere.status()).isEqualTo(302);
        assertThat(elsewhere.header("Location")).isEqualTo("/portal/" + other.accountId());
        assertThat(browser.get("/portal/" + shop.accountId() + "/").status()).as("still signed in at their store")
            .isEqualTo(200);
    }

    @Test
    void aSignedOutBuyerIsToldTheySignedOutNotThatTheirSessionExpired() {
        var shop = shops.open();
        var browser = signedIn(shop, shops.buy(shop, shop.monthly(), "pm_card_visa", "out@example.com"));
        String overview = "/portal/" + shop.accountId() + "/";

        var out = browser.post(overview, "/portal/" + shop.accountId() + "/sign_out", "");
        var later = browser.get(overview);

        assertThat(out.header("Location")).isEqualTo("/portal/" + shop.accountId() + "?signed_out");
        assertThat(later.header("Location")).isEqualTo("/portal/" + shop.accountId());
    }

    @Test
    void aBuyerWhosePersonalDataIsErasedIsSignedOutAndNoLinkSignsThemInAgain() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "forget@example.com");
        var browser = signedIn(shop, order);
        String unused = sessionLink(shop, order);
        String overview = "/portal/" + shop.accountId() + "/";
        assertThat(browser.get(overview).status()).isEqualTo(200);
        api.post("/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/cancel", shop.apiKey(), "{}");

        var erased = api.post("/api/v1/customers/" + order.get("customer_id").asString() + "/redact", shop.apiKey(),
            null);

        assertThat(erased.status()).as(erased.text()).isEqualTo(200);
        var ended = browser.get(overview);
        assertThat(ended.status()).isEqualTo(302);
        assertThat(ended.header("Location")).startsWith("/portal/" + shop.accountId());
        var another = new PortalClient(port);
        assertThat(another.get(unused).status()).as("a link made before is spent").isNotEqualTo(302);
    }

    private PortalClient signedIn(Shops.Shop shop, tools.jackson.databind.JsonNode order) {
        var browser = new PortalClient(port);
        assertThat(browser.get(sessionLink(shop, order)).status()).isEqualTo(302);
        return browser;
    }

    /** A portal session's single-use link for the order's customer. */
    private String sessionLink(Shops.Shop shop, tools.jackson.databind.JsonNode order) {
        return api.post("/api/v1/portal_sessions", shop.apiKey(), "{\"customer_id\": \"%s\"}"
            .formatted(order.get("customer_id").asString())).json().get("url").asString();
    }
    /**
     * A session and a session link last in real time, as the buyer lives it: a month of sandbox time passed in one
     * advance signs nobody out and spends no link (issue 10).
     */
    @Test
    void aSessionAndASessionLinkLastInRealTimeWhateverTheTestClockSays() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "sandbox@example.com");
        var browser = signedIn(shop, order);
        String link = sessionLink(shop, order);

        var advanced = shops.advance(shop, "P30D");

        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        assertThat(browser.get("/portal/" + shop.accountId() + "/").status()).as("still signed in").isEqualTo(200);
        assertThat(new PortalClient(port).get(link).status()).as("the link still signs in").isEqualTo(302);
    }
}
