package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A checkout changes after it is made: renamed, its offer bumps repriced, added and taken away, its upsells reordered
 * or replaced, and archived so that it sells no more. What was bought or offered before keeps what it was: an order
 * offered an upsell taken away since may still take it, and an archived checkout charges no one.
 */
@TillIntegrationTest
class CheckoutChangeTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;

    @Test
    void anUpdateKeepsTheOffersItNamesAddsTheNewOnesAndRetiresTheOthers() {
        var store = shops.openWithUpsells();
        String key = store.shop().apiKey();
        var withBumps = patch(store, """
            {"addons": [{"name": "Workbook", "amount": 900, "currency": "usd"},
                        {"name": "Stickers", "amount": 300, "currency": "usd"}]}""");
        assertThat(withBumps.status()).as(withBumps.text()).isEqualTo(200);
        String workbook = withBumps.json().get("addons").get(0).get("id").asString();
        String stickers = withBumps.json().get("addons").get(1).get("id").asString();

        var changed = patch(store, """
            {"name": "Course, spring sale",
             "addons": [{"id": "%s", "name": "Workbook (print)", "amount": 1200, "currency": "usd"},
                        {"name": "Poster", "amount": 500, "currency": "usd"}],
             "upsells": [{"id": "%s", "name": "Membership, first month"}]}""".formatted(workbook,
            store.membership()));

        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        var checkout = changed.json();
        assertThat(checkout.get("name").asString()).isEqualTo("Course, spring sale");
        assertThat(checkout.get("active").asBoolean()).isTrue();
        assertThat(checkout.get("addons").findValuesAsString("name")).containsExactly("Workbook (print)", "Poster");
        assertThat(checkout.get("addons").get(0).get("id").asString()).isEqualTo(workbook);
        assertThat(checkout.get("addons").get(0).get("amount").asLong()).isEqualTo(1200);
        assertThat(checkout.get("upsells").findValuesAsString("id")).containsExactly(store.membership());
        assertThat(checkout.get("upsells").get(0).get("name").asString()).isEqualTo("Membership, first month");
        assertThat(api.get("/api/v1/checkouts/" + store.checkoutId(), key).json()).isEqualTo(checkout);

        // The new price is charged; a bump taken away is not sold.
        var bought = purchase(store, "ada@example.com", workbook);
        assertThat(bought.status()).as(bought.text()).isEqualTo(201);
        assertThat(bought.json().get("total").asLong()).isEqualTo(4900 + 1200);
        var retired = purchase(store, "bob@example.com", stickers);
        assertThat(retired.status()).as(retired.text()).isEqualTo(400);
        assertThat(retired.json().get("errors").get(0).get("field").asString()).isEqualTo("addon_ids[0]");
        // Only the upsell left is offered.
        String order = bought.json().get("id").asString();
        assertThat(api.post("/api/v1/orders/" + order + "/upsells/" + store.bonus() + "/accept", key, null).status())
            .isEqualTo(404);
    }

    @Test
    void anOrderOfferedAnUpsellTakenAwaySinceMayStillTakeIt() {
        var store = shops.openWithUpsells();
        var bought = purchase(store, "ada@example.com");
        String order = bought.json().get("id").asString();

        var changed = patch(store, """
            {"upsells": [{"id": "%s", "name": "Membership"}]}""".formatted(store.membership()));
        var accepted = api.post("/api/v1/orders/" + order + "/upsells/" + store.bonus() + "/accept",
            store.shop().apiKey(), null);

        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
        assertThat(accepted.json().get("total").asLong()).isEqualTo(4900 + 2900);
        assertThat(ledger.successfulCharges(store.shop().accountId())).isEqualTo(2);
    }

    @Test
    void anArchivedCheckoutChargesNoOneUntilItSellsAgain() {
        var store = shops.openWithUpsells();
        var before = purchase(store, "ada@example.com");

        var archived = patch(store, "{\"active\": false}");
        var refused = purchase(store, "bob@example.com");
        // A purchase paid before it was archived finishes its upsell flow.
        var accepted = api.post("/api/v1/orders/" + before.json().get("id").asString() + "/upsells/" + store.bonus()
            + "/accept", store.shop().apiKey(), null);

        assertThat(archived.status()).as(archived.text()).isEqualTo(200);
        assertThat(archived.json().get("active").asBoolean()).isFalse();
        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.json().get("detail").asString()).contains("no longer sells", "Nothing was charged");
        assertThat(api.get("/api/v1/customers?query=bob@example.com", store.shop().apiKey()).json().get("data"))
            .isEmpty();
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
        assertThat(ledger.successfulCharges(store.shop().accountId())).isEqualTo(2);

        String key = store.shop().apiKey();
        assertThat(ids(api.get("/api/v1/checkouts?active=false", key).json())).containsExactly(store.checkoutId());
        assertThat(ids(api.get("/api/v1/checkouts?active=true", key).json())).containsExactly(store.shop()
            .checkoutId());
        assertThat(api.get("/api/v1/checkouts", key).json().get("data")).hasSize(2);
        var badFilter = api.get("/api/v1/checkouts?active=maybe", key);
        assertThat(badFilter.status()).isEqualTo(400);
        assertThat(badFilter.json().get("errors").get(0).get("field").asString()).isEqualTo("active");

        var again = patch(store, "{\"active\": true}");
        assertThat(again.json().get("active").asBoolean()).isTrue();
        assertThat(purchase(store, "bob@example.com").status()).isEqualTo(201);
    }

    @Test
    void anUpdateRefusesWhatItCannotDoNamingEachField() {
        var store = shops.openWithUpsells();
        var other = shops.openWithUpsells();

        var refused = patch(store, """
            {"product_id": "prod_x", "active": "no", "colour": "red",
             "addons": [{"id": "addon_nope", "name": "Gone", "amount": 100, "currency": "usd"},
                        {"name": "", "amount": -5, "currency": "usd"}],
             "upsells": [{"id": "%s", "name": "Membership", "option_id": "%s"},
                         {"id": "%s", "name": "Theirs"}]}""".formatted(store.membership(), store.courseOption(),
            other.bonus()));
        var theirs = api.patch("/api/v1/checkouts/" + other.checkoutId(), store.shop().apiKey(),
            "{\"name\": \"Mine\"}");

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().get("errors").findValuesAsString("field")).containsExactlyInAnyOrder("product_id",
            "active", "colour");
        var offers = patch(store, """
            {"addons": [{"id": "addon_nope", "name": "Gone", "amount": 100, "currency": "usd"},
                        {"name": "", "amount": -5, "currency": "usd"}],
             "upsells": [{"id": "%s", "name": "Membership", "option_id": "%s"},
                         {"id": "%s", "name": "Theirs"}]}""".formatted(store.membership(), store.courseOption(),
            other.bonus()));
        assertThat(offers.status()).as(offers.text()).isEqualTo(400);
        assertThat(fields(offers.json())).containsExactlyInAnyOrder("addons[0].id", "upsells[0].option_id",
            "upsells[1].id");
        var content = patch(store, """
            {"addons": [{"name": "", "amount": -5, "currency": "usd"}]}""");
        assertThat(fields(content.json())).containsExactlyInAnyOrder("addons[0].name", "addons[0].amount");
        assertThat(theirs.status()).isEqualTo(404);
        assertThat(api.get("/api/v1/checkouts/" + store.checkoutId(), store.shop().apiKey()).json().get("upsells"))
            .hasSize(2);
        assertThat(api.get("/api/v1/checkouts/" + other.checkoutId(), other.shop().apiKey()).json().get("name")
            .asString()).isEqualTo("Course");
    }

    @Test
    void anOptionSoldAsAnUpsellRetiresOnceTheCheckoutNoLongerOffersIt() {
        var store = shops.openWithUpsells();
        String key = store.shop().apiKey();
        // The membership's monthly option is the checkout's second upsell; the membership sells two more options.
        String membership = null;
        for (JsonNode product : api.get("/api/v1/products?limit=100", key).json().get("data")) {
            if (product.get("name").asString().equals("Membership")) {
                membership = product.get("id").asString();
            }
        }
        String path = "/api/v1/products/" + membership + "/options/" + store.shop().monthly() + "/retire";

        var refused = api.post(path, key, null);
        patch(store, "{\"upsells\": []}");
        var retired = api.post(path, key, null);

        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.json().get("detail").asString()).contains("sold as an upsell");
        assertThat(retired.status()).as(retired.text()).isEqualTo(200);
    }

    private Api.Response patch(Shops.UpsellShop store, String body) {
        return api.patch("/api/v1/checkouts/" + store.checkoutId(), store.shop().apiKey(), body);
    }

    private Api.Response purchase(Shops.UpsellShop store, String email, String... addonIds) {
        String addons = String.join("\", \"", addonIds);
        return api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.shop().apiKey(), """
            {"customer": {"name": "Buyer", "email": "%s"}, "token": "pm_card_visa", "option_id": "%s",
             "addon_ids": [%s]}""".formatted(email, store.courseOption(), addonIds.length == 0
            ? ""
            : "\"" + addons
                + "\""));
    }

    /** The ids of a list's checkouts, in order. */
    private static List<String> ids(JsonNode page) {
        var ids = new java.util.ArrayList<String>();
        page.get("data").forEach(checkout -> ids.add(checkout.get("id").asString()));
        return ids;
    }

    private static List<String> fields(JsonNode problem) {
        return problem.get("errors").findValuesAsString("field");
    }
}
