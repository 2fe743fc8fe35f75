package io.till.automation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.till.testing.Api;
import io.till.testing.Inbox;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import io.till.webhook.Receiver;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The purchase templates (Welcome Series, Checkout Flow fulfillment) end to end as a seller sets them up: created from
 * the template through the API, driven by real purchases at checkouts and the sandbox test clock, their mail going to
 * a real SMTP server, their CRM calls to a stub shaped like ActiveCampaign and their webhooks to a real receiver.
 */
@TillIntegrationTest
class PurchaseTemplatesTest {

    @RegisterExtension
    static GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
        .withConfiguration(GreenMailConfiguration.aConfig().withUser(Inbox.FROM, Inbox.USER, Inbox.PASSWORD));

    private final WireMockServer crm = new WireMockServer(options().dynamicPort());

    @Autowired
    Api api;
    @Autowired
    Shops shops;

    @BeforeEach
    void startCrm() {
        crm.start();
    }

    @AfterEach
    void stopCrm() {
        crm.stop();
    }

    private String fromTemplate(Shops.Shop shop, String template) {
        var created = api.post("/api/v1/automations", shop.apiKey(), "{\"template\": \"" + template + "\"}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private void activate(Shops.Shop shop, String automation) {
        var activated = api.post("/api/v1/automations/" + automation + "/activate", shop.apiKey(), null);
        assertThat(activated.status()).as(activated.text()).isEqualTo(200);
    }

    private void advance(Shops.Shop shop, String by) {
        var advanced = shops.advance(shop, by);
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
    }

    private List<String> tags(Shops.Shop shop, String customer) {
        var tags = new java.util.ArrayList<String>();
        api.get("/api/v1/customers/" + customer, shop.apiKey()).json().get("tags").forEach(t -> tags.add(t
            .asString()));
        return tags;
    }

    private static final String WELCOME = " | Welcome, Buyer! | Thank you for your purchase. Your account and "
        + "receipts are here: <portal url>";
    private static final String TIPS = " | Getting the most out of your purchase | Hi Buyer, here are a few tips to "
        + "get started.";
    private static final String CHECK_IN = " | How is it going? | Hi Buyer, just checking in. Reply to this email "
        + "if you need anything.";

    @Test
    void welcomeSeriesWelcomesTheBuyerAtOnceThenFollowsUpTwoAndSevenDaysLater() {
        var shop = shops.open();
        Inbox.connect(api, shop, mail);
        activate(shop, fromTemplate(shop, "welcome_series"));

        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        advance(shop, "PT1M");
        assertThat(Inbox.lines(mail)).containsExactly("ada@example.com" + WELCOME);
        assertThat(tags(shop, order.get("customer_id").asString())).contains("customer");

        advance(shop, "P1DT23H58M");
        assertThat(Inbox.lines(mail)).hasSize(1);
        advance(shop, "PT2M");
        assertThat(Inbox.lines(mail)).containsExactly("ada@example.com" + WELCOME, "ada@example.com" + TIPS);

        advance(shop, "P4DT23H58M");
        assertThat(Inbox.lines(mail)).hasSize(2);
        advance(shop, "PT2M");
        assertThat(Inbox.lines(mail)).containsExactly("ada@example.com" + WELCOME, "ada@example.com" + TIPS,
            "ada@example.com" + CHECK_IN);
        assertThat(Inbox.lines(mail)).noneMatch(line -> line.contains("{{"));
    }

    @Test
    void welcomeSeriesStopsForARefundedPurchaseAndDoesNotWelcomeAReturningBuyerAgain() {
        var shop = shops.open();
        Inbox.connect(api, shop, mail);
        activate(shop, fromTemplate(shop, "welcome_series"));
        shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var refunded = shops.buy(shop, shop.monthly(), "pm_card_visa", "refunded@example.com");
        shops.buy(shop, shop.trial(), "pm_card_visa", "trial@example.com");
        advance(shop, "PT1M");
        assertThat(Inbox.lines(mail)).containsExactlyInAnyOrder("ada@example.com" + WELCOME,
            "refunded@example.com" + WELCOME, "trial@example.com" + WELCOME);

        var refund = api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + refunded.get("payment_id")
            .asString() + "\"}");
        assertThat(refund.status()).as(refund.text()).isEqualTo(201);
        advance(shop, "P1D");
        // Ada buys again: she is no new buyer, and her first series goes on.
        var again = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        advance(shop, "P7D");

        assertThat(again.get("customer_id").asString()).isNotEqualTo(refunded.get("customer_id").asString());
        assertThat(Inbox.lines(mail)).containsExactlyInAnyOrder("ada@example.com" + WELCOME,
            "refunded@example.com" + WELCOME, "trial@example.com" + WELCOME, "ada@example.com" + TIPS,
            "trial@example.com" + TIPS, "ada@example.com" + CHECK_IN, "trial@example.com" + CHECK_IN);
    }

    @Test
    void welcomeSeriesWelcomesABuyerWhoBoughtTwiceBeforeItsFirstRunOnceForTheirFirstOrder() {
        var shop = shops.open();
        Inbox.connect(api, shop, mail);
        activate(shop, fromTemplate(shop, "welcome_series"));
        // Both purchases are in before the engine looks at either (a quick second order, an engine behind a flood):
        // the first is still the buyer's first order, whatever the customer's count says by then.
        var first = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var second = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        advance(shop, "PT1M");

        assertThat(Inbox.lines(mail)).containsExactly("ada@example.com" + WELCOME);
        assertThat(api.get("/api/v1/orders/" + first.get("id").asString(), shop.apiKey()).json().get(
            "customer_order_number").asLong()).isEqualTo(1);
        assertThat(api.get("/api/v1/orders/" + second.get("id").asString(), shop.apiKey()).json().get(
            "customer_order_number").asLong()).isEqualTo(2);
    }

    /** The template as a seller saves it: scoped to one checkout, its webhook pointed at their fulfillment system. */
    private String fulfillment(Shops.Shop shop, String checkoutId, String url) {
        var saved = api.post("/api/v1/integrations", shop.apiKey(), """
            {"type": "activecampaign", "config": {"base_url": "%s", "api_key": "ac-key-1f2e3d4c5b6a"}}"""
            .formatted(crm.baseUrl()));
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        String automation = fromTemplate(shop, "checkout_flow_fulfillment");
        var definition = (ObjectNode) api.get("/api/v1/automations/" + automation, shop.apiKey()).json().get(
            "definition");
        ((ObjectNode) definition.get("trigger")).putObject("scope").put("checkout_id", checkoutId);
        for (JsonNode step : definition.get("steps")) {
            if (step.get("action").asString().equals("send_webhook")) {
                ((ObjectNode) step.get("params")).put("url", url);
            }
        }
        var updated = api.send("PUT", "/api/v1/automations/" + automation, shop.apiKey(), definition.toString(),
            List.of("Content-Type", "application/json"));
        assertThat(updated.status()).as(updated.text()).isEqualTo(200);
        activate(shop, automation);
        return automation;
    }

    private void crmTags() {
        crm.stubFor(post(urlEqualTo("/api/3/contact/sync")).willReturn(json(201, """
            {"fieldValues": [], "contact": {"email": "x@example.com", "id": "113", "links": {}}}""")));
        crm.stubFor(get(urlPathEqualTo("/api/3/tags")).withQueryParam("search", equalTo("customer")).willReturn(
            json(200, """
                {"tags": [{"tagType": "contact", "tag": "customer", "id": "21"}], "meta": {"total": "1"}}""")));
        crm.stubFor(post(urlEqualTo("/api/3/contactTags")).willReturn(json(201, """
            {"contactTag": {"contact": "113", "tag": "21", "id": "9"}}""")));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static List<String> told(Receiver receiver) {
        return receiver.requests().stream().map(request -> {
            JsonNode body = tools.jackson.databind.json.JsonMapper.builder().build().readTree(request.body());
            return body.get("data").get("order_id").asString() + " #" + body.get("data").get("order_number").asString()
                + " " + body.get("data").get("email").asString();
        }).toList();
    }

    @Test
    void checkoutFlowFulfillmentTellsFulfillmentOnceTheFlowOfItsOwnCheckoutIsDone() {
        var upsells = shops.openWithUpsells();
        var shop = upsells.shop();
        crmTags();
        try (var receiver = new Receiver()) {
            fulfillment(shop, upsells.checkoutId(), receiver.url("/orders"));

            var answered = buyCourse(upsells, "ada@example.com");
            var waiting = buyCourse(upsells, "grace@example.com");
            var elsewhere = shops.buy(shop, shop.monthly(), "pm_card_visa", "other@example.com");
            advance(shop, "PT1M");
            assertThat(receiver.requests()).isEmpty();

            accept(upsells, answered, upsells.bonus(), "accept");
            accept(upsells, answered, upsells.membership(), "decline");
            advance(shop, "PT1M");
            assertThat(told(receiver)).containsExactly(answered.get("id").asString() + " #1 ada@example.com");

            // Grace never answers: the flow completes 2 hours after the purchase.
            advance(shop, "PT1H57M");
            assertThat(told(receiver)).hasSize(1);
            advance(shop, "PT2M");
            assertThat(told(receiver)).containsExactly(answered.get("id").asString() + " #1 ada@example.com",
                waiting.get("id").asString() + " #2 grace@example.com");
            assertThat(told(receiver)).noneMatch(line -> line.contains(elsewhere.get("id").asString()));
            crm.verify(2, postRequestedFor(urlEqualTo("/api/3/contactTags")));
            crm.verify(1, postRequestedFor(urlEqualTo("/api/3/contact/sync")).withRequestBody(matchingJsonPath(
                "$.contact.email", equalTo("ada@example.com"))));
            crm.verify(0, postRequestedFor(urlEqualTo("/api/3/contact/sync")).withRequestBody(matchingJsonPath(
                "$.contact.email", equalTo("other@example.com"))));
        }
    }

    @Test
    void checkoutFlowFulfillmentTellsFulfillmentEvenWhileTheCrmIsDown() {
        var upsells = shops.openWithUpsells();
        var shop = upsells.shop();
        crm.stubFor(post(urlEqualTo("/api/3/contact/sync")).willReturn(json(500, "{\"message\": \"down\"}")));
        try (var receiver = new Receiver()) {
            fulfillment(shop, upsells.checkoutId(), receiver.url("/orders"));
            var order = buyCourse(upsells, "ada@example.com");
            accept(upsells, order, upsells.bonus(), "decline");
            accept(upsells, order, upsells.membership(), "decline");

            advance(shop, "P1D");

            assertThat(told(receiver)).containsExactly(order.get("id").asString() + " #1 ada@example.com");
            var tasks = api.get("/api/v1/tasks?status=open", shop.apiKey()).json().get("data");
            assertThat(tasks).hasSize(1);
            assertThat(tasks.get(0).get("title").asString()).startsWith("Tag ada@example.com as customer in "
                + "ActiveCampaign by hand: ActiveCampaign answered 500");
        }
    }

    private JsonNode buyCourse(Shops.UpsellShop upsells, String email) {
        var bought = api.post("/api/v1/checkouts/" + upsells.checkoutId() + "/purchases", upsells.shop().apiKey(), """
            {"customer": {"name": "Buyer", "email": "%s"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(email, upsells.courseOption()));
        assertThat(bought.status()).as(bought.text()).isEqualTo(201);
        return bought.json();
    }

    private void accept(Shops.UpsellShop upsells, JsonNode order, String upsell, String answer) {
        var answered = api.post("/api/v1/orders/" + order.get("id").asString() + "/upsells/" + upsell + "/" + answer,
            upsells.shop().apiKey(), null);
        assertThat(answered.status()).as(answered.text()).isEqualTo(200);
    }
}
