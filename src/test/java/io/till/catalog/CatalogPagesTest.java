package io.till.catalog;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.StaffBrowser;
import io.till.testing.TillIntegrationTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The catalog in a real browser: staff make a product with a subscription (with a trial) and a one-time price, a
 * checkout selling it with an offer bump and an upsell, promo codes and a subscription group, each checked through the
 * API and by a purchase; bad input is refused field by field with nothing saved; a double submit makes one product;
 * another account's catalog is not found.
 */
@TillIntegrationTest
class CatalogPagesTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;
    @Autowired
    Clock clock;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    private Page signIn(Shops.Shop shop, int width) {
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(width), "/admin/catalog");
        return page;
    }

    private int products(Shops.Shop shop) {
        return api.get("/api/v1/products?limit=100", shop.apiKey()).json().get("data").size();
    }

    @Test
    void staffCreateAProductWithATrialSubscriptionAndAOneTimePriceThatTheApiSells() {
        var shop = shops.open();
        var page = signIn(shop, 1280);
        assertThat(page.locator("nav[aria-label=Dashboard] a[aria-current=page]")).hasText("Catalog");
        assertThat(page.locator("table.list tbody tr")).containsText(new String[]{"Membership"});
        assertThat(page.locator("table.list tbody tr").first()).containsText("$19.00 / month");

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("New product")).click();
        page.waitForLoadState();
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("Pro plan, yearly");
        page.locator("#opt-name-0").fill("Monthly, with trial");
        page.locator("#opt-price-0").fill("29.50");
        page.locator("#opt-trial-0").fill("7");
        page.getByLabel("One free trial per customer").check();
        assertThat(page.locator("#opt-installments-0")).isHidden();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add another option")).click();
        page.waitForLoadState();
        assertThat(page.locator("#opt-name-0")).hasValue("Monthly, with trial");
        assertThat(page.getByLabel("One free trial per customer")).isChecked();
        assertThat(page.locator("#opt-trial-0")).hasValue("7");
        page.locator("#opt-name-1").fill("Lifetime");
        page.locator("#opt-kind-1").selectOption("one_time");
        assertThat(page.locator("#opt-every-1")).isHidden();
        assertThat(page.locator("#opt-trial-1")).isHidden();
        page.locator("#opt-price-1").fill("$1,299");
        // A row added by mistake is removed again, keeping what the others hold.
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add another option")).click();
        page.waitForLoadState();
        assertThat(page.locator("#opt-name-2")).isVisible();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Remove option 3")).click();
        page.waitForLoadState();
        assertThat(page.locator("#opt-name-2")).hasCount(0);
        assertThat(page.locator("#opt-name-1")).hasValue("Lifetime");
        assertThat(page.locator("#opt-price-1")).hasValue("$1,299");
        Chromium.screenshot(page, "catalog-new-product-1280");
        // Enter in a field creates the product (the form's first button is Create, not a row's Remove).
        page.locator("#opt-name-0").press("Enter");
        page.waitForLoadState();

        assertThat(page.locator("h1")).hasText("Pro plan, yearly");
        assertThat(page.locator("p.flash")).containsText("Product created");
        assertThat(page.locator("table.list")).containsText("$29.50 / month");
        assertThat(page.locator("table.list")).containsText("7-day free trial");
        assertThat(page.locator("table.list")).containsText("$1,299.00 once");
        Chromium.screenshot(page, "catalog-product-1280");
        String id = page.url().substring(page.url().lastIndexOf('/') + 1);
        var product = api.get("/api/v1/products/" + id, shop.apiKey()).json();
        assertThat(product.get("name").asString()).isEqualTo("Pro plan, yearly");
        assertThat(product.get("one_trial_per_customer").asBoolean()).isTrue();
        var options = product.get("options");
        assertThat(options.size()).isEqualTo(2);
        assertThat(options.get(0).get("name").asString()).isEqualTo("Monthly, with trial");
        assertThat(options.get(0).get("kind").asString()).isEqualTo("subscription");
        assertThat(options.get(0).get("amount").asLong()).isEqualTo(2950);
        assertThat(options.get(0).get("interval").asString()).isEqualTo("month");
        assertThat(options.get(0).get("trial_days").asInt()).isEqualTo(7);
        assertThat(options.get(1).get("kind").asString()).isEqualTo("one_time");
        assertThat(options.get(1).get("amount").asLong()).isEqualTo(129900);
        assertThat(options.get(1).get("trial_days").isNull()).isTrue();
    }

    @Test
    void aBadProductIsRefusedBesideItsFieldsAndNothingIsSaved() {
        var shop = shops.open();
        int before = products(shop);
        var page = signIn(shop, 1280);
        page.navigate(api.uri("/admin/catalog/products/new").toString());
        page.locator("#opt-name-0").fill("Three payments");
        page.locator("#opt-kind-0").selectOption("payment_plan");
        page.locator("#opt-price-0").fill("twelve");
        page.locator("#opt-installments-0").fill("1");
        page.locator("#currency").fill("us");
        var response = page.waitForResponse(r -> r.url().endsWith("/admin/catalog/products"),
            () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create product")).click());
        page.waitForLoadState();

        assertThat(response.status()).isEqualTo(422);
        assertThat(page.locator(".form-error")).containsText("Nothing was saved");
        assertThat(page.locator("#name-error")).hasText("Is required.");
        assertThat(page.locator("#currency-error")).containsText("three-letter ISO currency code");
        assertThat(page.locator("#opt-price-0 ~ .field-error"))
            .hasText("Must be an amount such as 5.00: digits, and a point for decimals.");
        assertThat(page.locator("#opt-installments-0 ~ .field-error")).hasText("Must be between 2 and 120.");
        assertThat(page.locator("#opt-name-0")).hasValue("Three payments");
        assertThat(page.locator("#opt-kind-0")).hasValue("payment_plan");
        Chromium.screenshot(page, "catalog-new-product-refused-1280");
        assertThat(products(shop)).isEqualTo(before);

        // A decimal comma would read as thousands, and a price cannot change later: it is refused, never guessed.
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("Euro plan");
        page.locator("#currency").fill("eur");
        page.locator("#opt-kind-0").selectOption("subscription");
        page.locator("#opt-price-0").fill("19,99");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add another option")).click();
        page.waitForLoadState();
        page.locator("#opt-name-1").fill("Yearly");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create product")).click();
        page.waitForLoadState();
        assertThat(page.locator("#opt-price-0 ~ .field-error")).hasText("Must be an amount such as 19.99: a point for "
            + "decimals, commas only between thousands.");
        assertThat(page.locator("#opt-price-1 ~ .field-error")).hasText("Is required.");
        assertThat(products(shop)).isEqualTo(before);
    }

    @Test
    void aProductFormSentTwiceMakesOneProduct() {
        var shop = shops.open();
        int before = products(shop);
        var page = signIn(shop, 1280);
        page.navigate(api.uri("/admin/catalog/products/new").toString());
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("Once only");
        page.locator("#opt-name-0").fill("Monthly");
        page.locator("#opt-price-0").fill("10");

        var statuses = page.evaluate("""
            async () => {
              const form = document.querySelector('form.cat-form');
              const send = () => fetch(form.action, {method: 'POST', body: new URLSearchParams(new FormData(form)),
                redirect: 'manual'}).then(r => r.type === 'opaqueredirect' ? 302 : r.status);
              return Promise.all([send(), send()]);
            }""");
        assertThat(statuses.toString()).isEqualTo("[302, 302]");
        assertThat(products(shop)).isEqualTo(before + 1);
    }

    @Test
    void aFormFieldHoldingTheNulCharacterIsRefusedWithAPageSayingWhichField() {
        var shop = shops.open();
        int before = products(shop);
        var page = signIn(shop, 1280);
        page.navigate(api.uri("/admin/catalog/products/new").toString());
        page.locator("#opt-name-0").fill("Monthly");
        page.locator("#opt-price-0").fill("10");

        var answer = sendForm(page, "fields.set('name', 'Bad\\u0000name');");
        var tooMany = sendForm(page, "fields.set('name', 'Many fields');"
            + " for (let i = 0; i < 1100; i++) fields.append('x' + i, 'y');");

        assertThat(answer).startsWith("400 ").contains("name").contains("NUL character");
        assertThat(tooMany).startsWith("400 ").contains("could not be read");
        assertThat(products(shop)).isEqualTo(before);
    }

    @Test
    void aFormWithMoreOptionRowsThanThePageOffersIsRefusedNotCutShort() {
        var shop = shops.open();
        int before = products(shop);
        var page = signIn(shop, 1280);
        page.navigate(api.uri("/admin/catalog/products/new").toString());
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("Many options");
        page.locator("#opt-name-0").fill("Option 0");
        page.locator("#opt-price-0").fill("10");

        var answer = sendForm(page, """
            for (let i = 1; i <= 20; i++) {
              for (const f of ['option_name', 'option_kind', 'option_price', 'option_interval', 'option_every',
                  'option_trial_days', 'option_installments', 'option_cycles']) {
                fields.append(f, f === 'option_name' ? 'Option ' + i : f === 'option_price' ? '10'
                  : fields.getAll(f)[0]);
              }
            }""");

        assertThat(answer).startsWith("400 ").contains("at most 20");
        assertThat(products(shop)).isEqualTo(before);
    }

    /** Sends the page's product form with its fields changed by {@code change} (script on {@code fields}). */
    private static String sendForm(Page page, String change) {
        return page.evaluate("""
            async () => {
              const form = document.querySelector('form.cat-form');
              const fields = new URLSearchParams(new FormData(form));
              %s
              const r = await fetch(form.action, {method: 'POST', body: fields, redirect: 'manual',
                headers: {'Accept': 'text/html'}});
              return r.status + ' ' + await r.text();
            }""".formatted(change)).toString();
    }

    @Test
    void aCheckoutSellsTheProductWithAnOfferBumpAndAnUpsellAndTakesAPurchase() {
        var shop = shops.open();
        var bonus = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Bonus pack", "options": [{"name": "Once", "kind": "one_time", "amount": 2900, "currency": "usd"}]}
            """).json();
        String membership = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id")
            .asString();
        var page = signIn(shop, 1280);
        page.navigate(api.uri("/admin/catalog/products/" + membership).toString());
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Sell it at a new checkout")).click();
        page.waitForLoadState();
        assertThat(page.locator("#product")).hasValue(membership);
        page.locator("#name").fill("Spring sale");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add an offer bump")).click();
        page.waitForLoadState();
        page.locator("#addon-name-0").fill("Workbook");
        page.locator("#addon-price-0").fill("9");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add an upsell")).click();
        page.waitForLoadState();
        assertThat(page.locator("#addon-name-0")).hasValue("Workbook");
        page.locator("#upsell-name-0").fill("Bonus pack");
        page.locator("#upsell-option-0").selectOption(bonus.get("options").get(0).get("id").asString());
        Chromium.screenshot(page, "catalog-new-checkout-1280");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create checkout")).click();
        page.waitForLoadState();

        assertThat(page.locator("h1")).hasText("Spring sale");
        assertThat(page.locator("section[aria-labelledby=addons-title] table")).containsText("$9.00");
        assertThat(page.locator("section[aria-labelledby=upsells-title] table")).containsText("Bonus pack — Once");
        Chromium.screenshot(page, "catalog-checkout-1280");
        String checkout = page.url().substring(page.url().lastIndexOf('/') + 1);
        var read = api.get("/api/v1/checkouts/" + checkout, shop.apiKey()).json();
        String addon = read.get("addons").get(0).get("id").asString();
        assertThat(read.get("addons").get(0).get("amount").asLong()).isEqualTo(900);
        assertThat(read.get("upsells").get(0).get("name").asString()).isEqualTo("Bonus pack");

        var order = api.post("/api/v1/checkouts/" + checkout + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "addon_ids": ["%s"]}""".formatted(shop.monthly(), addon));
        assertThat(order.status()).as(order.text()).isEqualTo(201);
        assertThat(order.json().get("total").asLong()).isEqualTo(1900 + 900);

        assertThat(api.get("/api/v1/checkouts?product_id=" + membership, shop.apiKey()).json().get("data").size())
            .isEqualTo(2);
        assertThat(api.get("/api/v1/checkouts?product_id=" + bonus.get("id").asString(), shop.apiKey()).json()
            .get("data").size()).isZero();
        assertThat(api.get("/api/v1/checkouts?product_id=", shop.apiKey()).json().get("data").size())
            .as("a blank filter filters nothing").isEqualTo(2);
        page.navigate(api.uri("/admin/catalog/checkouts?product=" + membership).toString());
        assertThat(page.locator("#checkouts-title")).hasText("Checkouts selling Membership");
        assertThat(page.locator("table.list tbody tr")).hasCount(2);
        page.navigate(api.uri("/admin/catalog/checkouts?product=" + bonus.get("id").asString()).toString());
        assertThat(page.locator(".none")).containsText("No checkout sells Bonus pack yet.");

        // Edited: the bump repriced keeps its id, the upsell emptied is taken away, a new bump added.
        page.navigate(api.uri("/admin/catalog/checkouts/" + checkout).toString());
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Edit")).click();
        page.waitForLoadState();
        assertThat(page.locator("#addon-price-0")).hasValue("9.00");
        page.locator("#addon-price-0").fill("12");
        page.locator("#upsell-name-0").fill("");
        page.locator("#upsell-option-0").selectOption("");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add an offer bump")).click();
        page.waitForLoadState();
        page.locator("#addon-name-1").fill("Poster");
        page.locator("#addon-price-1").fill("0");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save changes")).click();
        page.waitForLoadState();
        assertThat(page.locator("#addon-price-1 ~ .field-error")).isVisible();
        page.locator("#addon-price-1").fill("5");
        Chromium.screenshot(page, "catalog-edit-checkout-1280");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save changes")).click();
        page.waitForLoadState();
        assertThat(page.locator("p.flash")).containsText("Checkout saved");
        assertThat(page.locator("section[aria-labelledby=addons-title] table")).containsText("$12.00");
        assertThat(page.locator("section[aria-labelledby=addons-title] table")).containsText("Poster");
        assertThat(page.locator("section[aria-labelledby=upsells-title] .none")).isVisible();
        var edited = api.get("/api/v1/checkouts/" + checkout, shop.apiKey()).json();
        assertThat(edited.get("addons").get(0).get("id").asString()).isEqualTo(addon);
        assertThat(edited.get("addons").get(0).get("amount").asLong()).isEqualTo(1200);
        assertThat(edited.get("addons").get(1).get("amount").asLong()).isEqualTo(500);
        assertThat(edited.get("upsells")).isEmpty();

        // Archived, it charges no one; sold again, it does.
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Archive")).click();
        var dialog = page.getByRole(AriaRole.DIALOG);
        assertThat(dialog).containsText("nothing is charged");
        dialog.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Archive"))
            .click();
        page.waitForLoadState();
        assertThat(page.locator("p.flash")).containsText("is archived");
        assertThat(page.locator("#try-title")).hasCount(0);
        Chromium.screenshot(page, "catalog-checkout-archived-1280");
        var refused = api.post("/api/v1/checkouts/" + checkout + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Bob", "email": "bob@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(shop.monthly()));
        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        page.navigate(api.uri("/admin/catalog/checkouts").toString());
        assertThat(page.locator("table.list tbody tr").filter(new com.microsoft.playwright.Locator.FilterOptions()
            .setHasText("Spring sale"))).containsText("archived");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Spring sale")).click();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sell again")).click();
        page.waitForLoadState();
        assertThat(page.locator("p.flash")).containsText("sells again");
        assertThat(api.get("/api/v1/checkouts/" + checkout, shop.apiKey()).json().get("active").asBoolean()).isTrue();
    }

    @Test
    void aCheckoutWithoutAProductOrWithAFreeOfferBumpIsRefused() {
        var shop = shops.open();
        var page = signIn(shop, 1280);
        page.navigate(api.uri("/admin/catalog/checkouts/new").toString());
        page.locator("#name").fill("Broken");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add an offer bump")).click();
        page.waitForLoadState();
        page.locator("#addon-name-0").fill("Free thing");
        page.locator("#addon-price-0").fill("0");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create checkout")).click();
        page.waitForLoadState();

        assertThat(page.locator(".form-error")).containsText("Nothing was saved");
        assertThat(page.locator("#product ~ .field-error")).hasText("Is required.");
        assertThat(page.locator("#addon-price-0 ~ .field-error")).hasText("Must be more than 0.");
        assertThat(api.get("/api/v1/checkouts", shop.apiKey()).json().get("data").size()).isEqualTo(1);
    }

    /**
     * An offer bump made through the API in another currency the product sells keeps its price and currency when staff
     * save the checkout's edit page: every bump was re-read in the product's first currency, so ¥500 became $500.00.
     */
    @Test
    void savingACheckoutKeepsEachOfferBumpInItsOwnCurrency() {
        var shop = shops.open();
        String product = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Course", "options": [{"name": "USD", "kind": "one_time", "amount": 4900, "currency": "usd"},
              {"name": "JPY", "kind": "one_time", "amount": 5000, "currency": "jpy"}]}""").json().get("id")
            .asString();
        var created = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Course", "product_id": "%s", "addons": [{"name": "Guide", "amount": 500, "currency": "jpy"},
              {"name": "Poster", "amount": 900, "currency": "usd"}]}""".formatted(product));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String checkout = created.json().get("id").asString();
        var page = signIn(shop, 1280);
        page.navigate(api.uri("/admin/catalog/checkouts/" + checkout).toString());
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Edit")).click();
        page.waitForLoadState();
        assertThat(page.getByLabel("Price in JPY")).hasValue("500");

        page.locator("#name").fill("Course, renamed");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save changes")).click();
        page.waitForLoadState();

        assertThat(page.locator("p.flash")).containsText("Checkout saved");
        var addons = api.get("/api/v1/checkouts/" + checkout, shop.apiKey()).json().get("addons");
        assertThat(addons.get(0).get("amount").asLong()).isEqualTo(500);
        assertThat(addons.get(0).get("currency").asString()).isEqualTo("jpy");
        assertThat(addons.get(1).get("amount").asLong()).isEqualTo(900);
        assertThat(addons.get(1).get("currency").asString()).isEqualTo("usd");
    }

    /**
     * The Change form sends its end field whether or not staff touched it, filled with the code's last day: saving a
     * new limit moved an exact end to the next midnight, and brought a code staff had ended back to life until then.
     * A field left as it was shown changes nothing.
     */
    @Test
    void changingOnlyAPromoCodesLimitLeavesItsEndAsItWasAndAnEndedCodeEnded() {
        var shop = shops.open();
        Instant exact = clock.instant().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.HOURS).plusSeconds(
            12 * 3600 + 17 * 60);
        var created = api.post("/api/v1/promo_codes", shop.apiKey(), """
            {"code": "EXACT", "percent_off": 10, "expires_at": "%s"}""".formatted(exact));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String exactPath = "/api/v1/promo_codes/" + created.json().get("id").asString();
        created = api.post("/api/v1/promo_codes", shop.apiKey(), "{\"code\": \"ENDED\", \"percent_off\": 50}");
        String endedPath = "/api/v1/promo_codes/" + created.json().get("id").asString();
        var page = signIn(shop, 1280);
        page.navigate(api.uri("/admin/catalog/promo-codes").toString());

        var row = page.locator("table.list tbody tr", new Page.LocatorOptions().setHasText("EXACT"));
        row.getByLabel("Change EXACT").click();
        row.getByLabel("Most uses (blank: no limit)").fill("5");
        row.getByLabel("Save EXACT").click();
        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("changed")))
            .hasText("Promo code EXACT changed: buyers can use it.");
        var changed = api.get(exactPath, shop.apiKey()).json();
        assertThat(changed.get("max_redemptions").asInt()).isEqualTo(5);
        assertThat(Instant.parse(changed.get("expires_at").asString())).isEqualTo(exact);

        var ended = page.locator("table.list tbody tr", new Page.LocatorOptions().setHasText("ENDED"));
        ended.getByLabel("End ENDED").click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("End it"))
            .click();
        assertThat(page.locator("p.flash")).containsText("Promo code ENDED has ended");
        ended.getByLabel("Change ENDED").click();
        ended.getByLabel("Most uses (blank: no limit)").fill("50");
        ended.getByLabel("Save ENDED").click();
        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("changed")))
            .hasText("Promo code ENDED changed; it is expired.");
        assertThat(ended.locator(".pill")).hasText("expired");
        assertThat(api.get(endedPath, shop.apiKey()).json().get("max_redemptions").asInt()).isEqualTo(50);
        var order = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "promo_code": "ENDED"}""".formatted(shop.monthly()));
        assertThat(order.status()).as("an ended code stays ended: " + order.text()).isNotEqualTo(201);
    }

    /**
     * A code valid through a day of the store's time zone is listed as valid until that day, as its Change field and
     * its hint say: a review found the list showing the next day to anyone west of UTC's midnight (the day in UTC, or
     * the browser's).
     */
    @Test
    void aPromoCodesLastDayIsListedInTheStoresTimeZone() {
        var shop = shops.open();
        var zone = java.time.ZoneId.of("America/New_York");
        assertThat(api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"time_zone": "America/New_York"}""", java.util.List.of("Content-Type", "application/json")).status())
            .isEqualTo(200);
        var lastDay = java.time.LocalDate.ofInstant(clock.instant(), zone).plusDays(30);
        var created = api.post("/api/v1/promo_codes", shop.apiKey(), """
            {"code": "EASTERN", "percent_off": 10, "expires_at": "%s"}""".formatted(lastDay.plusDays(1)
            .atStartOfDay(zone).toInstant()));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        var page = signIn(shop, 1280);
        page.navigate(api.uri("/admin/catalog/promo-codes").toString());

        var row = page.locator("table.list tbody tr", new Page.LocatorOptions().setHasText("EASTERN"));
        assertThat(row.locator("td[data-label='Valid until']"))
            .hasText(lastDay.format(java.time.format.DateTimeFormatter.ofPattern("MMM d, yyyy", java.util.Locale.US)));
    }

    @Test
    void promoCodesAreCreatedListedWithTheirUseAndADuplicateIsRefused() {
        var shop = shops.open();
        var page = signIn(shop, 1280);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Promo codes")).click();
        page.waitForLoadState();
        assertThat(page.locator(".none")).containsText("No promo codes yet");
        page.locator("#code").fill("SPRING20");
        page.locator("#value").fill("20");
        page.locator("#max").fill("2");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create promo code")).click();
        page.waitForLoadState();
        assertThat(page.locator("p.flash")).containsText("Promo code SPRING20 created");

        page.locator("#code").fill("FIVE");
        page.getByLabel("An amount off").check();
        assertThat(page.locator("#promo-currency")).isVisible();
        page.locator("#value").fill("abc");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create promo code")).click();
        page.waitForLoadState();
        assertThat(page.locator("#value-error")).isVisible();
        // Only the amount is wrong: the currency chosen beside it is not refused as well.
        assertThat(page.locator(".field-error")).hasCount(1);
        page.locator("#value").fill("5");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create promo code")).click();
        page.waitForLoadState();

        var order = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "promo_code": "spring20"}""".formatted(shop.monthly()));
        assertThat(order.status()).as(order.text()).isEqualTo(201);
        page.reload();
        page.waitForLoadState();
        var spring = page.locator("table.list tbody tr", new Page.LocatorOptions().setHasText("SPRING20"));
        assertThat(spring).containsText("20% off");
        assertThat(spring).containsText("1 of 2");
        assertThat(spring.locator(".pill")).hasText("active");
        assertThat(page.locator("table.list tbody tr", new Page.LocatorOptions().setHasText("FIVE")))
            .containsText("$5.00 off");
        // The promotion goes well: more buyers may use the code; an end already past is refused.
        spring.getByLabel("Change SPRING20").click();
        spring.getByLabel("Valid until (blank: no end)").fill("2020-01-01");
        spring.getByLabel("Save SPRING20").click();
        assertThat(page.getByRole(AriaRole.ALERT).filter(new Locator.FilterOptions().setHasText("Nothing was changed")))
            .containsText("Valid until must be in the future");
        spring.getByLabel("Change SPRING20").click();
        spring.getByLabel("Most uses (blank: no limit)").fill("5");
        Chromium.screenshot(page, "catalog-promo-code-change-1280");
        spring.getByLabel("Save SPRING20").click();
        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("changed")))
            .hasText("Promo code SPRING20 changed: buyers can use it.");
        assertThat(spring).containsText("1 of 5");

        var statuses = page.evaluate("""
            async () => {
              document.querySelector('#code').value = 'TWICE';
              document.querySelector('#value').value = '15';
              const form = document.querySelector('form.cat-form');
              const send = () => fetch(form.action, {method: 'POST', body: new URLSearchParams(new FormData(form)),
                redirect: 'manual'}).then(r => r.type === 'opaqueredirect' ? 302 : r.status);
              return Promise.all([send(), send()]);
            }""");
        assertThat(statuses.toString()).isEqualTo("[302, 302]");
        page.reload();
        page.waitForLoadState();
        assertThat(page.locator("table.list tbody tr", new Page.LocatorOptions().setHasText("TWICE"))).hasCount(1);

        page.locator("#code").fill("spring20");
        page.locator("#value").fill("150");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create promo code")).click();
        page.waitForLoadState();
        assertThat(page.locator("#code-error")).hasText("Another promo code has this code.");
        assertThat(page.locator("#value-error")).hasText("Must be between 1 and 100.");
        Chromium.screenshot(page, "catalog-promo-codes-1280");
        assertThat(api.get("/api/v1/promo_codes", shop.apiKey()).json().get("data").size()).isEqualTo(3);

        page.locator("#code").fill("EUROS");
        page.getByLabel("An amount off").check();
        page.locator("#value").fill("0");
        page.locator("#promo-currency").fill("e");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create promo code")).click();
        page.waitForLoadState();
        assertThat(page.locator("#value-error")).hasText("Must be more than 0.");
        assertThat(page.locator("#promo-currency ~ .field-error")).hasText(
            "Must be a three-letter currency code such as usd.");
    }

    @Test
    void aSubscriptionGroupIsAddedAndChosenForANewProduct() {
        var shop = shops.open();
        var page = signIn(shop, 1280);
        page.locator("#group-name").fill("Memberships");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add group")).click();
        page.waitForLoadState();
        assertThat(page.locator(".cat-groups")).containsText("Memberships");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add group")).click();
        page.waitForLoadState();
        assertThat(page.locator("#group-error")).isVisible();
        // A second group of the same name, in any case, would read alike in every scope picker.
        page.locator("#group-name").fill("memberships");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add group")).click();
        page.waitForLoadState();
        assertThat(page.locator("#group-error")).hasText("You have a group named “memberships” already: "
            + "choose it for the product, or give this one another name.");
        assertThat(page.locator(".cat-groups li")).hasCount(1);

        page.navigate(api.uri("/admin/catalog/products/new").toString());
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("Gold");
        page.locator("#group").selectOption(new com.microsoft.playwright.options.SelectOption().setLabel(
            "Memberships"));
        page.locator("#opt-name-0").fill("Yearly");
        page.locator("#opt-every-0").fill("12");
        page.locator("#opt-price-0").fill("190");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create product")).click();
        page.waitForLoadState();
        assertThat(page.locator("dl.facts")).containsText("Memberships");
        assertThat(page.locator("table.list")).containsText("$190.00 / 12 months");
        String id = page.url().substring(page.url().lastIndexOf('/') + 1);
        String group = api.get("/api/v1/products/" + id, shop.apiKey()).json().get("subscription_group_id")
            .asString();
        assertThat(group).startsWith("sgrp_");

        // Renamed on the catalog page, it keeps its products; a name another group has is refused, there and by the
        // API.
        assertThat(api.post("/api/v1/subscription_groups", shop.apiKey(), "{\"name\": \"Courses\"}").status())
            .isEqualTo(201);
        page.navigate(api.uri("/admin/catalog").toString());
        page.locator(".cat-groups li").filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText(
            "Memberships")).locator("summary").click();
        page.getByLabel("New name for Memberships").fill("courses");
        page.getByLabel("New name for Memberships").press("Enter");
        page.waitForLoadState();
        assertThat(page.locator("p.flash.refused")).hasText("Not renamed: you have a group named “courses” already.");
        page.locator(".cat-groups li").filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText(
            "Memberships")).locator("summary").click();
        page.getByLabel("New name for Memberships").fill("Members' club");
        Chromium.screenshot(page, "catalog-group-rename-1280");
        page.getByLabel("New name for Memberships").press("Enter");
        page.waitForLoadState();
        assertThat(page.locator("p.flash")).containsText("“Memberships” is now “Members' club”");
        assertThat(page.locator("table.list")).containsText("Members' club");
        assertThat(api.get("/api/v1/products/" + id, shop.apiKey()).json().get("subscription_group_id").asString())
            .isEqualTo(group);
        var taken = api.patch("/api/v1/subscription_groups/" + group, shop.apiKey(), "{\"name\": \"COURSES\"}");
        assertThat(taken.status()).as(taken.text()).isEqualTo(400);
        assertThat(taken.json().get("errors").get(0).get("code").asString()).isEqualTo("taken");
        var renamed = api.patch("/api/v1/subscription_groups/" + group, shop.apiKey(), "{\"name\": \"MEMBERS' CLUB\"}");
        assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
        assertThat(renamed.json().get("name").asString()).isEqualTo("MEMBERS' CLUB");
    }

    /**
     * A save of a product's name leaves what the API changed while the page was open: a review found the form putting
     * back the description it was shown and turning one trial per customer off again.
     */
    @Test
    void savingAProductsNameLeavesWhatTheApiChangedMeanwhile() {
        var shop = shops.open();
        String membership = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id")
            .asString();
        var page = signIn(shop, 1280);
        page.navigate(api.uri("/admin/catalog/products/" + membership + "/edit").toString());
        var changed = api.send("PATCH", "/api/v1/products/" + membership, shop.apiKey(), """
            {"description": "From the API", "one_trial_per_customer": true}""", java.util.List.of("Content-Type",
            "application/json"));
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);

        page.locator("#name").fill("Membership Plus");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
        page.waitForLoadState();

        assertThat(page.locator("h1")).hasText("Membership Plus");
        var read = api.get("/api/v1/products/" + membership, shop.apiKey()).json();
        assertThat(read.get("name").asString()).isEqualTo("Membership Plus");
        assertThat(read.get("description").asString()).isEqualTo("From the API");
        assertThat(read.get("one_trial_per_customer").asBoolean()).isTrue();
    }

    /** A store with more groups than one page of the API holds: the oldest is listed and offered as the newest is. */
    @Test
    void everySubscriptionGroupIsListedBeyondTheFirstHundred() {
        var shop = shops.open();
        for (int i = 0; i <= 100; i++) {
            assertThat(api.post("/api/v1/subscription_groups", shop.apiKey(), "{\"name\": \"Group %03d\"}"
                .formatted(i)).status()).isEqualTo(201);
        }
        var page = signIn(shop, 1280);
        page.navigate(api.uri("/admin/catalog").toString());

        assertThat(page.locator(".cat-groups")).containsText("Group 000");
        assertThat(page.locator(".cat-groups")).containsText("Group 100");
    }

    @Test
    void aProductIsRenamedOnItsPageAndItsPricesCannotChange() {
        var shop = shops.open();
        var other = shops.open();
        String membership = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id")
            .asString();
        // A group made after the product: the product joins it on its Edit page, with the subscription sold already.
        var sold = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String group = api.post("/api/v1/subscription_groups", shop.apiKey(), "{\"name\": \"Memberships\"}").json()
            .get("id").asString();
        var page = signIn(shop, 1280);
        page.navigate(api.uri("/admin/catalog/products/" + membership).toString());
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Edit").setExact(true)).click();
        page.waitForLoadState();
        page.locator("#name").fill("   ");
        // The group and the trial rule chosen beside the refused name come back as chosen.
        page.getByLabel("Subscription group (optional)").selectOption(group);
        page.getByLabel("One free trial per customer").check();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
        page.waitForLoadState();
        assertThat(page.locator("#name-error")).hasText("Must not be blank.");
        assertThat(page.getByLabel("Subscription group (optional)")).hasValue(group);
        assertThat(page.getByLabel("One free trial per customer")).isChecked();
        page.locator("#name").fill("Membership Plus");
        page.locator("#description").fill("Everything, every month.");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
        page.waitForLoadState();
        assertThat(page.locator("h1")).hasText("Membership Plus");
        assertThat(page.locator(".heading")).containsText("Everything, every month.");
        var read = api.get("/api/v1/products/" + membership, shop.apiKey()).json();
        assertThat(read.get("name").asString()).isEqualTo("Membership Plus");
        assertThat(api.get("/api/v1/products/" + membership, shop.apiKey()).json().get("subscription_group_id")
            .asString()).isEqualTo(group);
        assertThat(read.get("one_trial_per_customer").asBoolean()).isTrue();
        assertThat(shops.subscription(shop, sold.get("subscription_id").asString()).get("subscription_group_id")
            .asString()).isEqualTo(group);
        page.navigate(api.uri("/admin/catalog/products/" + membership + "/edit").toString());
        assertThat(page.locator("main")).containsText("Subscription group: Memberships (it does not change).");
        assertThat(page.getByLabel("Subscription group (optional)")).hasCount(0);
        var regrouped = api.send("PATCH", "/api/v1/products/" + membership, shop.apiKey(),
            "{\"subscription_group_id\": \"" + api.post("/api/v1/subscription_groups", shop.apiKey(),
                "{\"name\": \"Other\"}").json().get("id").asString() + "\"}",
            java.util.List.of("Content-Type",
                "application/json"));
        assertThat(regrouped.status()).isEqualTo(400);
        assertThat(regrouped.json().get("errors").get(0).get("code").asString()).isEqualTo("not_changeable");

        var cleared = api.send("PATCH", "/api/v1/products/" + membership, shop.apiKey(), "{\"description\": null}",
            java.util.List.of("Content-Type", "application/json"));
        assertThat(cleared.status()).as(cleared.text()).isEqualTo(200);
        assertThat(cleared.json().get("description").isNull()).isTrue();
        assertThat(cleared.json().get("name").asString()).isEqualTo("Membership Plus");
        var prices = api.send("PATCH", "/api/v1/products/" + membership, shop.apiKey(),
            "{\"name\": \"Cheaper\", \"options\": []}", java.util.List.of("Content-Type", "application/json"));
        assertThat(prices.status()).isEqualTo(400);
        assertThat(prices.json().get("errors").get(0).get("code").asString()).isEqualTo("not_changeable");
        assertThat(api.get("/api/v1/products/" + membership, shop.apiKey()).json().get("name").asString())
            .isEqualTo("Membership Plus");
        assertThat(api.send("PATCH", "/api/v1/products/" + membership, other.apiKey(), "{\"name\": \"Mine\"}",
            java.util.List.of("Content-Type", "application/json")).status()).isEqualTo(404);
    }

    @Test
    void staffAddAYearlyOptionToAProductAndStopSellingTheMonthlyOneWhoseBuyerKeepsIt() {
        var shop = shops.open();
        var bought = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String membership = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id")
            .asString();
        var page = signIn(shop, 1280);
        page.navigate(api.uri("/admin/catalog/products/" + membership).toString());
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Add an option")).click();
        page.waitForLoadState();
        assertThat(page.locator("h1")).hasText("Add an option to Membership");

        page.locator("#opt-name-0").fill("Yearly");
        page.locator("#opt-price-0").fill("a lot");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add option")).click();
        page.waitForLoadState();
        assertThat(page.locator("#opt-price-0 ~ .field-error")).isVisible();
        assertThat(page.locator("#opt-name-0")).hasValue("Yearly");
        page.locator("#opt-price-0").fill("190");
        page.locator("select[name=option_interval]").selectOption("year");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add option")).click();
        page.waitForLoadState();
        assertThat(page.locator("p.flash")).containsText("\u201cYearly\u201d added");
        assertThat(page.locator("[aria-labelledby=options-title] tbody tr").last()).containsText("$190.00 / year");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Stop selling Monthly")).click();
        var dialog = page.getByRole(AriaRole.DIALOG);
        assertThat(dialog).containsText("whoever bought it keeps it");
        dialog.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName(
            "Stop selling")).click();
        page.waitForLoadState();
        assertThat(page.locator("p.flash")).containsText("\u201cMonthly\u201d is no longer sold");
        assertThat(page.locator("[aria-labelledby=retired-title] tbody tr")).containsText("Monthly");
        assertThat(page.locator("[aria-labelledby=options-title] tbody")).not().containsText("Monthly");
        Chromium.screenshot(page, "catalog-product-options-1280");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sell Monthly again")).click();
        page.waitForLoadState();
        assertThat(page.locator("p.flash")).containsText("\u201cMonthly\u201d is sold again");
        assertThat(page.locator("[aria-labelledby=retired-title]")).hasCount(0);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Stop selling Monthly")).click();
        page.getByRole(AriaRole.DIALOG)
            .getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Stop selling"))
            .click();
        page.waitForLoadState();
        assertThat(page.locator("[aria-labelledby=retired-title] tbody tr")).containsText("Monthly");

        var product = api.get("/api/v1/products/" + membership, shop.apiKey()).json();
        var names = new java.util.ArrayList<String>();
        product.get("options").forEach(option -> names.add(option.get("name").asString()));
        assertThat(names).containsExactly("3 payments", "Trial", "Yearly");
        assertThat(shops.subscription(shop, bought.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("active");

        var phone = signIn(shop, 390);
        phone.navigate(api.uri("/admin/catalog/products/" + membership).toString());
        assertThat(phone.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Stop selling Trial")))
            .isVisible();
        Chromium.screenshot(phone, "catalog-product-options-390");
        phone.navigate(api.uri("/admin/catalog/products/" + membership + "/options/new").toString());
        Chromium.screenshot(phone, "catalog-option-new-390");
    }

    @Test
    void aPromoCodeEndedNowIsRefusedAtTheNextPurchase() {
        var shop = shops.open();
        assertThat(api.post("/api/v1/promo_codes", shop.apiKey(), "{\"code\": \"LAUNCH\", \"percent_off\": 10}")
            .status()).isEqualTo(201);
        var page = signIn(shop, 1280);
        page.navigate(api.uri("/admin/catalog/promo-codes").toString());
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("End LAUNCH")).click();
        var dialog = page.getByRole(AriaRole.DIALOG);
        assertThat(dialog).containsText("End LAUNCH now?");
        dialog.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("End it"))
            .click();
        page.waitForLoadState();
        assertThat(page.locator("p.flash")).containsText("LAUNCH has ended");
        assertThat(page.locator("table.list tbody tr .pill")).hasText("expired");
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("End LAUNCH"))).hasCount(0);

        var order = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "promo_code": "LAUNCH"}""".formatted(shop.monthly()));
        assertThat(order.status()).as(order.text()).isBetween(400, 499);
        assertThat(order.text()).contains("promo_code");
    }

    @Test
    void anotherAccountsCatalogIsNotFoundAndThePagesFitAPhone() {
        var shop = shops.open();
        var other = shops.open();
        String theirProduct = api.get("/api/v1/checkouts/" + other.checkoutId(), other.apiKey()).json()
            .get("product_id").asString();
        var page = signIn(shop, 390);
        for (String path : new String[]{"/admin/catalog/products/" + theirProduct,
                "/admin/catalog/checkouts/" + other.checkoutId(), "/admin/catalog/checkouts?product=" + theirProduct,
                "/admin/catalog/products/" + theirProduct + "/edit", "/admin/catalog/checkouts/" + other.checkoutId()
                    + "/edit"}) {
            var response = page.navigate(api.uri(path).toString());
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(page.locator("main")).not().containsText("Join");
        }
        for (String path : new String[]{"/admin/catalog", "/admin/catalog/products/new",
                "/admin/catalog/checkouts", "/admin/catalog/checkouts/" + shop.checkoutId(),
                "/admin/catalog/checkouts/new", "/admin/catalog/checkouts/" + shop.checkoutId() + "/edit",
                "/admin/catalog/promo-codes"}) {
            page.navigate(api.uri(path).toString());
            assertThat(page.url()).as(path).endsWith(path);
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as(path)
                .isLessThanOrEqualTo(390);
            Chromium.screenshot(page, "catalog" + path.replace("/admin/catalog", "").replace('/', '-')
                .replaceAll("chk_[A-Za-z0-9]+", "checkout") + "-390");
        }
    }
}
