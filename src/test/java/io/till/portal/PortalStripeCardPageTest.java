package io.till.portal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.AriaRole;
import io.till.account.Accounts;
import io.till.account.ApiKeys;
import io.till.account.Mode;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A buyer of a live store adds a card in a real browser (issue 11): the add-card page loads Stripe.js under its own
 * Content-Security-Policy, Stripe.js confirms the SetupIntent, and Till reads the card back from Stripe. Stripe's API is
 * WireMock, answering Stripe's documented requests; Stripe.js is a small stand-in served through the browser's routing
 * at Stripe's address, which draws its field in a frame from js.stripe.com and confirms through api.stripe.com as the
 * real one does, so that the page's policy is tried on all three (script-src, frame-src, connect-src).
 */
@TillIntegrationTest
class PortalStripeCardPageTest {

    static final WireMockServer STRIPE = new WireMockServer(options().dynamicPort());

    /**
     * Stripe.js as stripe-card.js uses it: {@code Stripe(key)}, {@code elements().create('card').mount(selector)},
     * {@code confirmCardSetup(clientSecret, data)} resolving {@code {setupIntent}} or {@code {error}}.
     */
    private static final String STRIPE_JS = """
        (function () {
          'use strict';
          window.Stripe = function (publishableKey) {
            return {
              elements: function () {
                return { create: function (type) {
                  return { mount: function (selector) {
                    var frame = document.createElement('iframe');
                    frame.src = 'https://js.stripe.com/v3/elements-inner-' + type + '.html';
                    frame.title = 'Secure card input frame';
                    frame.style.width = '100%';
                    frame.style.height = '1.6rem';
                    frame.style.border = '0';
                    frame.style.display = 'block';
                    document.querySelector(selector).appendChild(frame);
                  } };
                } };
              },
              confirmCardSetup: function (clientSecret) {
                var id = clientSecret.split('_secret_')[0];
                return fetch('https://api.stripe.com/v1/setup_intents/' + id + '/confirm', {
                  method: 'POST',
                  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
                  body: 'key=' + encodeURIComponent(publishableKey) + '&client_secret=' + encodeURIComponent(clientSecret)
                }).then(function (answer) { return answer.json(); })
                  .then(function (body) { return body.error ? { error: body.error } : { setupIntent: body }; });
              }
            };
          };
        })();
        """;

    /** The card field Stripe draws in its frame. */
    private static final String CARD_FRAME = """
        <!DOCTYPE html><html lang="en"><body style="margin:0;font:16px system-ui,sans-serif">
        <input aria-label="Credit or debit card number" placeholder="Card number" autocomplete="cc-number"
               style="border:0;outline:0;width:60%;font:inherit">
        <input aria-label="Expiration date" placeholder="MM / YY" style="border:0;width:18%;font:inherit">
        <input aria-label="CVC" placeholder="CVC" style="border:0;width:12%;font:inherit">
        </body></html>
        """;

    private static Chromium chromium;

    /** The browser's console reports of what the page's policy refused (see {@link #watchForViolations}). */
    private final List<String> refused = new CopyOnWriteArrayList<>();

    @Autowired
    Api api;
    @Autowired
    Accounts accounts;
    @Autowired
    ApiKeys apiKeys;

    @DynamicPropertySource
    static void stripe(DynamicPropertyRegistry properties) {
        if (!STRIPE.isRunning()) {
            STRIPE.start();
        }
        properties.add("till.stripe.base-url", STRIPE::baseUrl);
        properties.add("till.stripe.secret-key", () -> "sk_test_till");
        properties.add("till.stripe.publishable-key", () -> "pk_test_till");
    }

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
        STRIPE.stop();
    }

    @BeforeEach
    void forgetStripe() {
        STRIPE.resetAll();
    }

    /** A buyer of a live store, with no card yet. */
    private record Buyer(String account, String apiKey, String customer, String setupIntent) {

        String addCard() {
            return "/portal/" + account + "/cards/new";
        }
    }

    private Buyer liveBuyer(String setupIntent) {
        var account = accounts.create("Fern & Co", Mode.LIVE);
        String key = apiKeys.create(account, "Test key", null).key();
        var customer = api.post("/api/v1/customers", key, """
            {"name": "Ada Lovelace", "email": "ada@example.com"}""");
        assertThat(customer.status()).as(customer.text()).isEqualTo(201);
        var buyer = new Buyer(account.id(), key, customer.json().get("id").asString(), setupIntent);
        STRIPE.stubFor(post(urlEqualTo("/v1/customers"))
            .willReturn(json(200, "{\"id\": \"cus_stripe_1\", \"object\": \"customer\"}")));
        STRIPE.stubFor(post(urlEqualTo("/v1/setup_intents")).willReturn(json(200, setupIntent(setupIntent))));
        return buyer;
    }

    /** The add-card page in a browser signed in through a portal session, with Stripe.js and Stripe's API routed. */
    private Page addCardPage(Buyer buyer, int width, StripeApi stripeApi) {
        var session = api.post("/api/v1/portal_sessions", buyer.apiKey(),
            "{\"customer_id\": \"" + buyer.customer() + "\"}");
        assertThat(session.status()).as(session.text()).isEqualTo(201);
        var page = chromium.page(width);
        page.context().route(Pattern.compile("^https://js\\.stripe\\.com/v3/.*"), route -> route.fulfill(
            new Route.FulfillOptions().setStatus(200)
                .setContentType(route.request().url().endsWith(".html") ? "text/html" : "application/javascript")
                .setBody(route.request().url().endsWith(".html") ? CARD_FRAME : STRIPE_JS)));
        page.context().route(Pattern.compile("^https://api\\.stripe\\.com/.*"), stripeApi::answer);
        watchForViolations(page);
        page.navigate(session.json().get("url").asString());
        var opened = page.navigate(api.uri(buyer.addCard()).toString());
        assertThat(opened.headerValue("Content-Security-Policy")).contains("script-src 'self' https://js.stripe.com;",
            "frame-src https://js.stripe.com", "connect-src 'self' https://api.stripe.com");
        return page;
    }

    /** Stripe's API as the browser reaches it (confirming the SetupIntent), answering as the test says. */
    private static final class StripeApi {

        final List<String> confirmations = new CopyOnWriteArrayList<>();
        private final int status;
        private final String body;

        private StripeApi(int status, String body) {
            this.status = status;
            this.body = body;
        }

        static StripeApi confirming(Buyer buyer) {
            return new StripeApi(200, """
                {"id": "%s", "object": "setup_intent", "status": "succeeded", "payment_method": "pm_visa_1"}"""
                .formatted(buyer.setupIntent()));
        }

        /** Stripe's answer to a setup confirmed before: refused as already succeeded, the setup in the error. */
        static StripeApi confirmedBefore(Buyer buyer) {
            return new StripeApi(400, """
                {"error": {"type": "invalid_request_error", "code": "setup_intent_unexpected_state",
                           "message": "You cannot confirm this SetupIntent because it has already succeeded.",
                           "setup_intent": {"id": "%s", "object": "setup_intent", "status": "succeeded"}}}"""
                .formatted(buyer.setupIntent()));
        }

        static StripeApi declining(String message) {
            return new StripeApi(402, """
                {"error": {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
                           "message": "%s"}}""".formatted(message));
        }

        void answer(Route route) {
            confirmations.add(route.request().url() + " " + route.request().postData());
            route.fulfill(new Route.FulfillOptions().setStatus(status)
                .setContentType("application/json")
                .setHeaders(Map.of("Access-Control-Allow-Origin", "*"))
                .setBody(body));
        }
    }

    /**
     * Collects what the browser refuses under the page's Content-Security-Policy from the first page on: the
     * {@code securitypolicyviolation} events (read with {@link #violationsIn}) and Chromium's console reports of them
     * ({@link #refused}).
     */
    private void watchForViolations(Page page) {
        page.addInitScript("document.addEventListener('securitypolicyviolation', function (e) {"
            + " (window.cspViolations = window.cspViolations || []).push(e.violatedDirective + ' ' + e.blockedURI); });");
        page.onConsoleMessage(message -> {
            if (message.text().contains("Content Security Policy")) {
                refused.add(message.text());
            }
        });
    }

    private static List<?> violationsIn(Page page) {
        return (List<?>) page.evaluate("window.cspViolations || []");
    }

    private static FrameLocator cardFrame(Page page) {
        return page.frameLocator("#card-element iframe");
    }

    @Test
    void aSetupStripeRefusesToOpenIsToldInThePortalsWordsWithAWayToTryAgain() {
        var buyer = liveBuyer("seti_refused");
        STRIPE.stubFor(post(urlEqualTo("/v1/setup_intents")).willReturn(json(401, """
            {"error": {"type": "invalid_request_error",
                       "message": "Invalid API Key provided: sk_live_********************1234"}}""")));
        var page = chromium.page(390);
        var session = api.post("/api/v1/portal_sessions", buyer.apiKey(),
            "{\"customer_id\": \"" + buyer.customer() + "\"}");
        page.navigate(session.json().get("url").asString());

        var opened = page.navigate(api.uri(buyer.addCard()).toString());

        assertThat(opened.status()).isEqualTo(200);
        assertThat(page.locator("#card-error")).containsText("We could not reach the card processor. Nothing was "
            + "saved or charged");
        assertThat(page.locator("main")).not().containsText("API Key");
        assertThat(page.locator("main")).not().containsText("cannot take new cards online");
        assertThat(page.locator("#stripe-card")).hasCount(0);
        Chromium.screenshot(page, "portal-stripe-card-setup-refused-390");

        STRIPE.stubFor(post(urlEqualTo("/v1/setup_intents")).willReturn(json(200, setupIntent(buyer.setupIntent()))));
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Try again")).click();
        assertThat(page.locator("#stripe-card")).hasCount(1);
        assertThat(page.locator("#card-error")).hasCount(0);
        assertThat(page).hasURL(Pattern.compile(".*/cards/new$"));
    }

    @Test
    void aCardConfirmedWithStripeJsIsReadBackFromStripeAndSaved() {
        for (int width : new int[]{390, 1280}) {
            var buyer = liveBuyer("seti_page" + width);
            STRIPE.stubFor(get(urlPathEqualTo("/v1/setup_intents/" + buyer.setupIntent())).willReturn(json(200, """
                {"id": "%s", "object": "setup_intent", "customer": "cus_stripe_1", "status": "succeeded",
                 "usage": "off_session", "metadata": {"till_account": "%s", "till_customer": "%s"},
                 "last_setup_error": null,
                 "payment_method": {"id": "pm_visa_1", "object": "payment_method", "customer": "cus_stripe_1",
                                    "type": "card",
                                    "card": {"brand": "visa", "last4": "4242", "exp_month": 8, "exp_year": 2030}}}"""
                .formatted(buyer.setupIntent(), buyer.account(), buyer.customer()))));
            var stripeApi = StripeApi.confirming(buyer);
            var page = addCardPage(buyer, width, stripeApi);

            // Stripe.js ran under the page's policy and drew its field in a frame from js.stripe.com.
            cardFrame(page).getByLabel("Credit or debit card number").fill("4242 4242 4242 4242");
            cardFrame(page).getByLabel("Expiration date").fill("08 / 30");
            cardFrame(page).getByLabel("CVC").fill("123");
            Chromium.screenshot(page, "portal-stripe-card-" + width);
            assertThat(violationsIn(page)).isEmpty();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save card")).click();

            assertThat(page.locator(".notice.success")).hasText("Visa ending in 4242 is saved. Choose it below for "
                + "each subscription or plan it should pay.");
            assertThat(page.locator(".saved-cards .row")).hasCount(1);
            assertThat(page.locator(".saved-cards .row .brand-chip")).hasText("Visa");
            assertThat(page.locator(".saved-cards .row .card-face")).containsText("4242");
            assertThat(page.locator(".saved-cards .row .card-expiry")).containsText("08/2030");
            Chromium.screenshot(page, "portal-stripe-card-saved-" + width);

            assertThat(stripeApi.confirmations).singleElement().asString()
                .startsWith("https://api.stripe.com/v1/setup_intents/" + buyer.setupIntent() + "/confirm ")
                .contains("key=pk_test_till", "client_secret=" + buyer.setupIntent() + "_secret_abc");
            STRIPE.verify(1, postRequestedFor(urlEqualTo("/v1/setup_intents"))
                .withHeader("Authorization", equalTo("Bearer sk_test_till"))
                .withRequestBody(containing("metadata%5Btill_customer%5D=" + buyer.customer())));
            STRIPE.verify(1, getRequestedFor(urlEqualTo("/v1/setup_intents/" + buyer.setupIntent()
                + "?expand%5B%5D=payment_method")).withHeader("Authorization", equalTo("Bearer sk_test_till")));
            var saved = api.get("/api/v1/customers/" + buyer.customer() + "/payment_methods", buyer.apiKey());
            assertThat(saved.json().get("data")).singleElement().satisfies(card -> assertThat(card.get("last4")
                .asString()).isEqualTo("4242"));
            assertThat(refused).isEmpty();
        }
    }

    /**
     * A reviewer's: a setup confirmed at Stripe whose form never reached Till was handed out again, and Stripe then
     * refused it as already succeeded: the form never sent, the card confirmed at Stripe never saved.
     */
    @Test
    void aSetupConfirmedBeforeWhoseFormNeverArrivedSavesItsCardNow() {
        var buyer = liveBuyer("seti_again");
        STRIPE.stubFor(get(urlPathEqualTo("/v1/setup_intents/" + buyer.setupIntent())).willReturn(json(200, """
            {"id": "%s", "object": "setup_intent", "customer": "cus_stripe_1", "status": "succeeded",
             "usage": "off_session", "metadata": {"till_account": "%s", "till_customer": "%s"},
             "last_setup_error": null,
             "payment_method": {"id": "pm_visa_2", "object": "payment_method", "customer": "cus_stripe_1",
                                "type": "card",
                                "card": {"brand": "visa", "last4": "1881", "exp_month": 9, "exp_year": 2031}}}"""
            .formatted(buyer.setupIntent(), buyer.account(), buyer.customer()))));
        var page = addCardPage(buyer, 1280, StripeApi.confirmedBefore(buyer));

        cardFrame(page).getByLabel("Credit or debit card number").fill("4000 0566 5566 5556");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save card")).click();

        assertThat(page.locator(".saved-cards .row .card-face")).containsText("1881");
        var saved = api.get("/api/v1/customers/" + buyer.customer() + "/payment_methods", buyer.apiKey());
        assertThat(saved.json().get("data")).singleElement().satisfies(card -> assertThat(card.get("last4")
            .asString()).isEqualTo("1881"));
    }

    @Test
    void aCardStripeJsDeclinesShowsStripesMessageBesideTheFieldAndSavesNothing() {
        var buyer = liveBuyer("seti_declined");
        var stripeApi = StripeApi.declining("Your card has insufficient funds.");
        var page = addCardPage(buyer, 390, stripeApi);
        var tillPosts = new CopyOnWriteArrayList<String>();
        page.onRequest(request -> {
            if ("POST".equals(request.method()) && request.url().startsWith(api.uri("/").toString())) {
                tillPosts.add(request.url());
            }
        });

        cardFrame(page).getByLabel("Credit or debit card number").fill("4000 0000 0000 9995");
        var save = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save card"));
        save.click();

        assertThat(page.locator("#card-errors")).hasText("Your card has insufficient funds.");
        assertThat(save).isEnabled();
        assertThat(page).hasURL(api.uri(buyer.addCard()).toString());
        Chromium.screenshot(page, "portal-stripe-card-declined-390");
        assertThat(stripeApi.confirmations).hasSize(1);
        assertThat(tillPosts).isEmpty();
        assertThat(STRIPE.findAll(getRequestedFor(urlPathMatching("/v1/setup_intents/.+")))).isEmpty();
        var saved = api.get("/api/v1/customers/" + buyer.customer() + "/payment_methods", buyer.apiKey());
        assertThat(saved.json().get("data")).isEmpty();
        assertThat(refused).isEmpty();
        assertThat(violationsIn(page)).isEmpty();
    }

    /**
     * Stripe.js may call a setup confirmed that Stripe, asked by Till, reports refused (the bank declined it on
     * authentication): the buyer is back on the form with the bank's reason, nothing is saved, and the form carries a
     * new SetupIntent, as the refused one is done with.
     */
    @Test
    void aSetupStripeReportsRefusedWhenTillReadsItBackIsTheBanksReasonOnANewForm() {
        var buyer = liveBuyer("seti_refused");
        STRIPE.stubFor(post(urlEqualTo("/v1/setup_intents")).inScenario("setups")
            .whenScenarioStateIs(Scenario.STARTED)
            .willSetStateTo("one refused")
            .willReturn(json(200, setupIntent("seti_refused"))));
        STRIPE.stubFor(post(urlEqualTo("/v1/setup_intents")).inScenario("setups")
            .whenScenarioStateIs("one refused")
            .willReturn(json(200, setupIntent("seti_again"))));
        STRIPE.stubFor(get(urlPathEqualTo("/v1/setup_intents/seti_refused")).willReturn(json(200, """
            {"id": "seti_refused", "object": "setup_intent", "customer": "cus_stripe_1",
             "status": "requires_payment_method", "metadata": {"till_account": "%s", "till_customer": "%s"},
             "payment_method": null,
             "last_setup_error": {"type": "card_error", "code": "card_declined", "decline_code": "do_not_honor",
                                  "message": "Your card was declined."}}"""
            .formatted(buyer.account(), buyer.customer()))));
        var page = addCardPage(buyer, 390, StripeApi.confirming(buyer));
        assertThat(page.locator("#stripe-card input[name=setup_intent]")).hasValue("seti_refused");

        cardFrame(page).getByLabel("Credit or debit card number").fill("4000 0000 0000 0002");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save card")).click();

        assertThat(page.locator("#card-error")).hasText("Your bank declined this card.");
        assertThat(page).hasURL(api.uri(buyer.addCard()).toString());
        assertThat(page.locator("#stripe-card input[name=setup_intent]")).hasValue("seti_again");
        assertThat(cardFrame(page).getByLabel("Credit or debit card number")).isVisible();
        Chromium.screenshot(page, "portal-stripe-card-refused-390");
        STRIPE.verify(1, getRequestedFor(urlPathEqualTo("/v1/setup_intents/seti_refused")));
        var saved = api.get("/api/v1/customers/" + buyer.customer() + "/payment_methods", buyer.apiKey());
        assertThat(saved.json().get("data")).isEmpty();
        assertThat(refused).isEmpty();
    }

    private static String setupIntent(String id) {
        return """
            {"id": "%1$s", "object": "setup_intent", "client_secret": "%1$s_secret_abc", "customer": "cus_stripe_1",
             "status": "requires_payment_method", "usage": "off_session", "payment_method_types": ["card"]}"""
            .formatted(id);
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }
}
