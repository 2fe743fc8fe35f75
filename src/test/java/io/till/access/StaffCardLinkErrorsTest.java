package io.till.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/** "Email a card-update link" for a customer who is not there ends on the dashboard's own "not found", not the portal's. */
@TillIntegrationTest
class StaffCardLinkErrorsTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    TestAccounts accounts;

    @Autowired
    JdbcClient db;

    @Autowired
    PasswordEncoder passwords;

    @Test
    void aCardLinkForACustomerOfNoneOrOfAnotherAccountLandsOnTheDashboardsNotFound() {
        var account = accounts.create();
        var member = StaffBrowser.of(db, passwords, account.id(), "staff");
        var browser = RawBrowser.fromAnotherAddress(port);
        assertThat(browser.signIn(member.email(), member.password()).header("Location")).isEqualTo("/admin");
        String csrf = RawBrowser.csrf(browser.get("/admin/customers").body());

        var sent = browser.postForm("/admin/customers/cus_doesnotexist/card-link", "_csrf=" + csrf);

        assertThat(sent.status()).isEqualTo(302);
        assertThat(sent.header("Location")).isEqualTo("/admin/customers/cus_doesnotexist");
        var landed = browser.get(sent.header("Location"));
        assertThat(landed.status()).isEqualTo(404);
        assertThat(landed.body()).contains("We couldn").contains("class=\"side\"");
        assertThat(db.sql("SELECT count(*) FROM dev_messages WHERE account_id = :id").param("id", account.id())
            .query(Long.class).single()).isZero();
    }
}
