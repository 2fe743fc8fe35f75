package io.till.billing;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Each account's billing retry schedule: through the API, on the settings page, and as the billing clock uses it. */
@TillIntegrationTest
class RetryScheduleTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    private Api.Response put(String apiKey, String body) {
        return api.send("PUT", "/api/v1/retry_schedule", apiKey, body, List.of("Content-Type", "application/json"));
    }

    @Test
    void anAccountWithoutAScheduleHasTheSeedsOneThreeAndFiveDays() {
        var account = accounts.create();
        var schedule = api.get("/api/v1/retry_schedule", account.apiKey()).json();
        assertThat(schedule.get("subscription_retries").toString()).isEqualTo("[\"P1D\",\"P3D\",\"P5D\"]");
        assertThat(schedule.get("payment_plan_retries").toString()).isEqualTo("[\"P1D\",\"P3D\",\"P5D\"]");
    }

    @Test
    void theAccountsScheduleDecidesHowOftenAFailedRenewalIsRetried() {
        var shop = shops.open();
        var saved = put(shop.apiKey(), "{\"subscription_retries\": [\"P2D\"]}");
        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");

        shops.advance(shop, "P20D");

        // The first attempt and the one retry; the default schedule would have made four charges.
        assertThat(ledger.charges(shop.accountId())).isEqualTo(2);
        assertThat(shops.subscription(shop, order.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("unpaid");
    }

    @Test
    void aScheduleOutOfOrderOrOutOfRangeIsRefusedNamingEachRetry() {
        var account = accounts.create();
        var refused = put(account.apiKey(), """
            {"subscription_retries": ["P3D", "P1D"], "payment_plan_retries": ["P90D", "soon"]}""");
        assertThat(refused.status()).isEqualTo(400);
        var fields = new ArrayList<String>();
        refused.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("subscription_retries[1]", "payment_plan_retries[0]",
            "payment_plan_retries[1]");
        assertThat(api.get("/api/v1/retry_schedule", account.apiKey()).json().get("subscription_retries")
            .toString()).isEqualTo("[\"P1D\",\"P3D\",\"P5D\"]");
    }

    @Test
    void theSettingsPageEditsTheScheduleInDaysAndNamesABadRetry() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280),
            "/admin/settings/retries");
        var subscriptions = page.getByLabel("Subscriptions: retry after (days)");
        assertThat(subscriptions).hasValue("1, 3, 5");

        subscriptions.fill("2, 4, 7, 14");
        page.getByLabel("Payment plans: retry after (days)").fill("1, 2");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save retry schedules")).click();
        assertThat(page.locator(".flash")).containsText("Retry schedules saved.");
        var schedule = api.get("/api/v1/retry_schedule", account.apiKey()).json();
        assertThat(schedule.get("subscription_retries").toString()).isEqualTo("[\"P2D\",\"P4D\",\"P7D\",\"P14D\"]");
        assertThat(schedule.get("payment_plan_retries").toString()).isEqualTo("[\"P1D\",\"P2D\"]");
        Chromium.screenshot(page, "settings-retries-1280");

        var phone = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(390),
            "/admin/settings/retries");
        phone.getByLabel("Subscriptions: retry after (days)").fill("3, 2");
        phone.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save retry schedules")).click();
        assertThat(phone.locator("#subscriptionRetries-error"))
            .hasText("Retry 2 must be later than the retry before it");
        assertThat(phone.getByLabel("Subscriptions: retry after (days)")).hasValue("3, 2");
        // Typed as days, refused in days: not in the API's ISO-8601.
        phone.getByLabel("Subscriptions: retry after (days)").fill("1, 3 days, 90");
        phone.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save retry schedules")).click();
        assertThat(phone.locator("#subscriptionRetries-error")).containsText("Retry 3 must be a number of days from 1 "
            + "to 60, such as 3");
        assertThat(phone.locator("#subscriptionRetries-error")).not().containsText("ISO-8601");
        phone.getByLabel("Subscriptions: retry after (days)").fill("3, 2");
        phone.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save retry schedules")).click();
        assertThat(api.get("/api/v1/retry_schedule", account.apiKey()).json().get("subscription_retries")
            .toString()).isEqualTo("[\"P2D\",\"P4D\",\"P7D\",\"P14D\"]");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "settings-retries-error-390");
    }
}
