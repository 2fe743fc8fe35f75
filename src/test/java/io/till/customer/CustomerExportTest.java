package io.till.customer;

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

/** Every customer of the account, and only of it, as a CSV file a mailing tool imports, from the customers page. */
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

        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280));
        page.navigate(api.uri("/admin/customers").toString());
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
}
