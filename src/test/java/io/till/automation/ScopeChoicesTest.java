package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The trigger's scope picker offers the account's own objects, by name, and what sells first; an offer taken away
 * from its checkout, and an archived checkout, come last and say so, since an automation may still be scoped to them
 * (an order offered an upsell before it was taken away may still take it).
 */
@TillIntegrationTest
class ScopeChoicesTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    ScopeNames scopeNames;
    @Autowired
    TestAccounts accounts;

    @Test
    void offersTakenAwayAndArchivedCheckoutsComeLastAndSaySo() {
        var store = shops.openWithUpsells();
        String key = store.shop().apiKey();
        var changed = api.patch("/api/v1/checkouts/" + store.checkoutId(), key, """
            {"upsells": [{"id": "%s"}]}""".formatted(store.membership()));
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        assertThat(api.patch("/api/v1/checkouts/" + store.shop().checkoutId(), key, "{\"active\": false}").status())
            .isEqualTo(200);

        var upsells = scopeNames.choices(store.shop().accountId(), ScopeKey.UPSELL);
        var checkouts = scopeNames.choices(store.shop().accountId(), ScopeKey.CHECKOUT);

        assertThat(upsells).extracting(WhenChoices.Choice::label).containsExactly("Course · Membership",
            "Course · Bonus pack (no longer offered)");
        assertThat(checkouts).extracting(WhenChoices.Choice::label).containsExactly("Course", "Join (archived)");
    }

    @Test
    void productOptionPromoCodeAndAddonPickersOfferThisAccountsObjectsByNameAndNoOtherAccounts() {
        var mine = accounts.create();
        var theirs = accounts.create();
        var course = created(api.post("/api/v1/products", mine.apiKey(), """
            {"name": "Course", "options": [{"name": "Once", "kind": "one_time", "amount": 4900, "currency": "usd"}]}
            """));
        var membership = created(api.post("/api/v1/products", mine.apiKey(), """
            {"name": "Membership", "options": [
              {"name": "Monthly", "kind": "subscription", "amount": 1900, "currency": "usd", "interval": "month"},
              {"name": "Yearly", "kind": "subscription", "amount": 19000, "currency": "usd", "interval": "year"}]}"""));
        var join = created(api.post("/api/v1/checkouts", mine.apiKey(), """
            {"name": "Join", "product_id": "%s", "addons": [{"name": "Guide", "amount": 900, "currency": "usd"},
              {"name": "Workbook", "amount": 500, "currency": "usd"}]}""".formatted(membership.get("id").asString())));
        var spring = created(api.post("/api/v1/promo_codes", mine.apiKey(), """
            {"code": "SPRING", "percent_off": 15}"""));
        var autumn = created(api.post("/api/v1/promo_codes", mine.apiKey(), """
            {"code": "AUTUMN", "percent_off": 10}"""));
        var their = created(api.post("/api/v1/products", theirs.apiKey(), """
            {"name": "Their product", "options": [
              {"name": "Their option", "kind": "one_time", "amount": 100, "currency": "usd"}]}"""));
        created(api.post("/api/v1/checkouts", theirs.apiKey(), """
            {"name": "Their checkout", "product_id": "%s",
             "addons": [{"name": "Their addon", "amount": 100, "currency": "usd"}]}"""
            .formatted(their.get("id").asString())));
        created(api.post("/api/v1/promo_codes", theirs.apiKey(), """
            {"code": "THEIRS", "percent_off": 5}"""));

        assertThat(scopeNames.choices(mine.id(), ScopeKey.PRODUCT))
            .extracting(WhenChoices.Choice::value, WhenChoices.Choice::label)
            .containsExactly(tuple(id(course), "Course"), tuple(id(membership), "Membership"));
        assertThat(scopeNames.choices(mine.id(), ScopeKey.OPTION))
            .extracting(WhenChoices.Choice::value, WhenChoices.Choice::label)
            .containsExactly(tuple(id(course.get("options").get(0)), "Course · Once"),
                tuple(id(membership.get("options").get(0)), "Membership · Monthly"),
                tuple(id(membership.get("options").get(1)), "Membership · Yearly"));
        assertThat(scopeNames.choices(mine.id(), ScopeKey.PROMO_CODE))
            .extracting(WhenChoices.Choice::value, WhenChoices.Choice::label)
            .containsExactly(tuple(id(autumn), "AUTUMN"), tuple(id(spring), "SPRING"));
        assertThat(scopeNames.choices(mine.id(), ScopeKey.ADDON))
            .extracting(WhenChoices.Choice::value, WhenChoices.Choice::label)
            .containsExactly(tuple(id(join.get("addons").get(0)), "Join · Guide"),
                tuple(id(join.get("addons").get(1)), "Join · Workbook"));
    }

    private static JsonNode created(Api.Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    private static String id(JsonNode object) {
        return object.get("id").asString();
    }
}
