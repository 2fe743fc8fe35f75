package io.till.customer;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Every customer of the account, and only of it, as a CSV file a mailing tool imports, from the customers page; or,
 * from a search, the customers it finds.
 */
@TillIntegrationTest
class CustomerExportTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
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

    @Test
    void staffDownloadEveryCustomerWithTagsAndConsentAndNoOtherAccountsOnes() throws Exception {
        var store = accounts.create();
        var other = accounts.create();
        assertThat(api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Lovelace, Ada", "email": "ada@example.com", "tags": ["vip", "beta"],
             "marketing_consent": true}""").status()).isEqualTo(201);
        assertThat(api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Grace", "email": "grace@example.com"}""").status()).isEqualTo(201);
        assertThat(api.post("/api/v1/customers", other.apiKey(), """
            {"name": "Eve", "email": "eve@example.com"}""").status()).isEqualTo(201);

        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280), "/admin/customers");
        var download = page.waitForDownload(() -> page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions()
            .setName("download every customer as CSV")).click());

        assertThat(download.suggestedFilename()).matches("customers-\\d{4}-\\d{2}-\\d{2}\\.csv");
        var lines = List.of(Files.readString(download.path()).split("\r\n"));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("\uFEFFid,created_at,name,email,phone,tags,marketing_consent");
        assertThat(lines.get(1)).contains(",Grace,grace@example.com,,,false");
        assertThat(lines.get(2)).contains(",\"Lovelace, Ada\",ada@example.com,,vip; beta,true");
        assertThat(String.join("\n", lines)).doesNotContain("eve@example.com");
    }

    /**
     * The export takes the list's search ({@code q}) and refuses what the list does not take, naming it: an export
     * asked for one search and given every customer would go to the mailing tool unnoticed.
     */
    @Test
    void aSearchExportsTheCustomersItFindsAndAParameterTheListDoesNotTakeIsRefusedNamingIt() throws Exception {
        var store = accounts.create();
        for (String body : List.of("{\"name\": \"Ada Lovelace\", \"email\": \"ada@example.com\"}",
            "{\"name\": \"Adam Smith\", \"email\": \"adam@example.com\"}",
            "{\"name\": \"Grace Hopper\", \"email\": \"grace@example.com\"}")) {
            assertThat(api.post("/api/v1/customers", store.apiKey(), body).status()).isEqualTo(201);
        }
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280), "/admin/customers");

        page.getByLabel("Name or email").fill("ADA");
        assertThat(page.locator("#results h2")).hasText("Customers matching \u201cADA\u201d");
        Chromium.screenshot(page, "customers-search-export-1280");
        var download = page.waitForDownload(() -> page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions()
            .setName("Download every match as CSV")).click());

        assertThat(download.suggestedFilename()).matches("customers-matching-\\d{4}-\\d{2}-\\d{2}\\.csv");
        var lines = List.of(Files.readString(download.path()).split("\r\n"));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).contains(",Adam Smith,adam@example.com,");
        assertThat(lines.get(2)).contains(",Ada Lovelace,ada@example.com,");

        var phone = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(390),
            "/admin/customers?q=grace");
        assertThat(phone.locator("#results a[download]")).hasAttribute("href", "/admin/customers.csv?q=grace");
        Chromium.screenshot(phone, "customers-search-export-390");

        var unknown = page.request().get(api.uri("/admin/customers.csv?query=ada").toString());
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.text()).contains("Invalid query: is not a filter of this list: it takes q");
        var twice = page.request().get(api.uri("/admin/customers.csv?q=ada&q=grace").toString());
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.text()).contains("Invalid q: takes one value");
        var tooLong = page.request().get(api.uri("/admin/customers.csv?q=" + "a".repeat(201)).toString());
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.text()).contains("Invalid q: must be at most 200 characters");
    }
}
