package io.till.admin;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.account.StoreTime;
import io.till.automation.AutomationAgenda;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The dashboard counts days where the store is (Settings › Branding › Time zone), not in UTC: the runs report and
 * its per-day links, a billing list's window and the sandbox test clock. Each test picks a zone whose day is not
 * UTC's at the moment it looks at, so that a day counted in UTC would show.
 */
@TillIntegrationTest
class StoreDaysPagesTest {

    private static final DateTimeFormatter SHOWN_DAY = DateTimeFormatter.ofPattern("MMM d, yyyy", Locale.ENGLISH);

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    Shops shops;
    @Autowired
    AutomationAgenda agenda;
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

    /** 14 hours ahead of UTC from 10:00 UTC on, 11 behind before: never on UTC's day at {@code at}. */
    private static ZoneId awayFromUtc(Instant at) {
        var zone = ZoneId.of(at.atZone(ZoneOffset.UTC).getHour() >= 10 ? "Pacific/Kiritimati" : "Pacific/Pago_Pago");
        assertThat(at.atZone(zone).toLocalDate()).isNotEqualTo(at.atZone(ZoneOffset.UTC).toLocalDate());
        return zone;
    }

    private void setZone(String apiKey, ZoneId zone) {
        var branding = api.send("PUT", "/api/v1/account/branding", apiKey, """
            {"time_zone": "%s"}""".formatted(zone.getId()), List.of("Content-Type", "application/json"));
        assertThat(branding.status()).as(branding.text()).isEqualTo(200);
    }

    @Test
    void theRunsReportCountsARunOnTheStoresDayAndItsLinkListsThatDaysRuns() {
        var store = accounts.create();
        var created = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Always works", "trigger": {"type": "manual"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String automation = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + automation + "/activate", store.apiKey(), null).status())
            .isEqualTo(200);
        var started = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null);
        assertThat(started.status()).as(started.text()).isEqualTo(201);
        agenda.runDue();
        String run = started.json().get("id").asString();
        Instant at = Instant.parse(started.json().get("created_at").asString());
        ZoneId zone = awayFromUtc(at);
        setZone(store.apiKey(), zone);

        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/executions/reports");

        var table = page.locator("#runs-table");
        assertThat(table.locator("thead")).containsText("Day (" + StoreTime.label(zone) + ")");
        var row = table.locator("tbody tr");
        assertThat(row).hasCount(1);
        assertThat(row.locator("td").first()).hasText(SHOWN_DAY.format(at.atZone(zone)));
        Chromium.screenshot(page, "reports-in-store-zone-1280");

        row.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Always works")).click();
        assertThat(page.getByLabel("From (" + StoreTime.label(zone) + ")"))
            .hasValue(at.atZone(zone).toLocalDate().toString());
        assertThat(page.locator("main table.list tbody tr")).hasCount(1);
        assertThat(page.locator("main")).containsText(run);

        // The run's UTC day, read as the store's day, is another day: it holds no run.
        String utcDay = at.atZone(ZoneOffset.UTC).toLocalDate().toString();
        page.navigate(api.uri("/admin/executions?from=" + utcDay + "&to=" + utcDay).toString());
        assertThat(page.locator("main")).containsText("No runs");
    }

    @Test
    void aBillingListsWindowIsInTheStoresDays() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "zoned@example.com");
        Instant at = Instant.parse(api.get("/api/v1/orders/" + order.get("id").asString(), shop.apiKey()).json()
            .get("created_at").asString());
        ZoneId zone = awayFromUtc(at);
        setZone(shop.apiKey(), zone);
        LocalDate storeDay = at.atZone(zone).toLocalDate();
        LocalDate utcDay = at.atZone(ZoneOffset.UTC).toLocalDate();

        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280),
            "/admin/orders?created_from=" + storeDay + "&created_to=" + storeDay.plusDays(1));

        assertThat(page.locator(".list-window")).containsText("(days in " + StoreTime.label(zone) + ")");
        assertThat(page.locator("main")).containsText("zoned@example.com");

        page.navigate(api.uri("/admin/orders?created_from=" + utcDay + "&created_to=" + utcDay.plusDays(1))
            .toString());
        assertThat(page.locator(".list-window")).isVisible();
        assertThat(page.locator("main")).not().containsText("zoned@example.com");
    }

    @Test
    void momentsOnAPageReadInTheStaffMembersZoneAndNameIt() {
        var shop = shops.open();
        setZone(shop.apiKey(), ZoneId.of("America/New_York"));
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280,
            "America/Los_Angeles"), "/admin/orders/" + order.get("id").asString());

        // Beside the banner's test clock in the store's zone ("… EST"), a moment says which zone it is read in.
        var moment = page.locator("time[data-local]:not([data-local=date])").first();
        assertThat(moment).hasText(java.util.regex.Pattern.compile("P[SD]T$"));
        assertThat(moment).hasAttribute("title", java.util.regex.Pattern.compile("UTC$"));
        assertThat(page.locator(".sandbox-banner time")).hasText(java.util.regex.Pattern.compile("E[SD]T$"));
    }

    @Test
    void theTestClockIsShownAndMovedToADayInTheStoresTime() {
        var shop = shops.open();
        ZoneId zone = ZoneId.of("America/New_York");
        setZone(shop.apiKey(), zone);
        Instant now = Instant.parse(api.get("/api/v1/test_clock", shop.apiKey()).json().get("now").asString());
        LocalDate target = now.atZone(zone).toLocalDate().plusDays(2);
        Instant midnight = target.atStartOfDay(zone).toInstant();
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280));
        var banner = page.locator(".sandbox-banner");
        assertThat(banner.locator("time")).hasText(java.util.regex.Pattern.compile(".* · \\d\\d:\\d\\d E[SD]T"));

        page.getByLabel("or to").fill(target.toString());
        banner.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Advance")).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions()
            .setName("Advance clock")).click();

        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("advanced")))
            .containsText("Test clock advanced to " + StoreTime.minute(midnight, zone) + ".");
        assertThat(StoreTime.minute(midnight, zone)).endsWith("00:00 " + (zone.getRules().isDaylightSavings(midnight)
            ? "EDT"
            : "EST"));
        assertThat(Instant.parse(api.get("/api/v1/test_clock", shop.apiKey()).json().get("now").asString()))
            .isEqualTo(midnight);
        assertThat(banner.locator("time")).hasText(StoreTime.minute(midnight, zone));
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setLevel(1))).isVisible();
    }

    @Test
    void aPromoCodeValidUntilADayEndsAtThatDaysEndWhereTheStoreIs() {
        var shop = shops.open();
        ZoneId zone = ZoneId.of("Asia/Tokyo");
        setZone(shop.apiKey(), zone);
        Instant now = Instant.parse(api.get("/api/v1/test_clock", shop.apiKey()).json().get("now").asString());
        LocalDate lastDay = now.atZone(zone).toLocalDate().plusDays(10);
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280),
            "/admin/catalog/promo-codes");
        assertThat(page.locator("#until-hint")).hasText("Through the end of that day, Asia/Tokyo time.");

        page.locator("#code").fill("TOKYO10");
        page.locator("#value").fill("10");
        page.locator("#until").fill(lastDay.toString());
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create promo code")).click();
        assertThat(page.locator("p.flash")).containsText("Promo code TOKYO10 created");

        var saved = api.get("/api/v1/promo_codes", shop.apiKey()).json().get("data").get(0);
        assertThat(Instant.parse(saved.get("expires_at").asString()))
            .isEqualTo(lastDay.plusDays(1).atStartOfDay(zone).toInstant());
    }

    /** The date picker's last day ends in the year 10000 where the store is: refused beside the field it was typed in. */
    @Test
    void aPromoCodeValidUntilTheLastDayThePickerOffersIsRefusedBesideValidUntil() {
        var shop = shops.open();
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280),
            "/admin/catalog/promo-codes");

        page.locator("#code").fill("FOREVER");
        page.locator("#value").fill("10");
        page.locator("#until").fill("9999-12-31");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create promo code")).click();

        assertThat(page.locator("#until ~ p.field-error")).containsText("before the year 10000");
        assertThat(page.locator("#code")).hasValue("FOREVER");
        assertThat(api.get("/api/v1/promo_codes", shop.apiKey()).json().get("data").size()).isZero();
    }

    @Test
    void aDayBeyondTheCalendarIsRefusedBesideTheFilterRatherThanFailingThePage() {
        var store = accounts.create();
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280));

        var runs = page.navigate(api.uri("/admin/executions?to=%2B999999999-12-31").toString());
        assertThat(runs.status()).isEqualTo(200);
        assertThat(page.locator("#f-to-error")).hasText("To must be a date such as 2026-11-30.");

        var events = page.navigate(api.uri("/admin/developers/events?to=%2B999999999-12-31").toString());
        assertThat(events.status()).isEqualTo(200);
        assertThat(page.locator("main")).containsText("Enter a day as YYYY-MM-DD.");

        // A window that ends before it starts holds no day: said beside To, as the runs' list says it.
        page.navigate(api.uri("/admin/developers/events?from=2026-12-01&to=2026-11-01").toString());
        assertThat(page.locator("main")).containsText("Enter a day on or after the From day.");

        // A name typed where an email or id goes is said to be neither, not answered with an empty list.
        page.navigate(api.uri("/admin/developers/events?customer=Ada").toString());
        assertThat(page.locator("main")).containsText("Enter the customer's email or id (cus_…).");
        page.navigate(api.uri("/admin/executions?customer=Ada").toString());
        assertThat(page.locator("main")).containsText("enter the customer's email or id (cus_…)");
    }
}
