package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * {@code {{portal.card_update_url}}}: signed, scoped to one customer, usable once, valid 7 days (the account's card link
 * validity), and opening a session that reaches the card page and nothing else.
 */
@TillIntegrationTest
class CardLinkTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    Api api;

    @Autowired
    Shops shops;

    @Autowired
    CardLinks cardLinks;

    @Autowired
    PortalCards portalCards;

    @Autowired
    MutableClock clock;

    private String customer(Shops.Shop shop, String email) {
        return shops.buy(shop, shop.monthly(), "pm_card_visa", email).get("customer_id").asString();
    }

    private static String path(String url) {
        return url.replaceFirst("http://[^/]+", "");
    }

    @Test
    void theCardLinkOpensTheCardPageAndNothingElse() {
        var shop = shops.open();
        String link = path(cardLinks.url(shop.accountId(), customer(shop, "ann@example.com")));
        String portal = "/portal/" + shop.accountId();
        var browser = new PortalClient(port);

        var confirm = browser.get(link);
        assertThat(confirm.status()).isEqualTo(200);
        assertThat(confirm.body()).contains("Update your card", "Continue</button>");
        // Whose cards it opens is said first, to a browser signed in as nobody: a card added there pays their bills.
        assertThat(confirm.body()).contains("This link is for the account of <strong>ann@example.com</strong>");
        var opened = browser.post(link, link, "");

        assertThat(opened.status()).isEqualTo(302);
        assertThat(opened.header("Location")).isEqualTo(portal + "/cards");
        assertThat(browser.get(portal + "/cards").status()).as("the card page passes the door").isIn(200, 404);
        for (String elsewhere : List.of(portal + "/", portal + "/orders/ord_x", portal + "/subscriptions/sub_x",
            portal + "/payments/pay_x/receipt")) {
            var refused = browser.get(elsewhere);
            assertThat(refused.status()).as(elsewhere).isEqualTo(302);
            assertThat(refused.header("Location")).isEqualTo(portal + "?cards_only");
        }
        assertThat(browser.get(portal + "?cards_only").body()).contains("only lets you update your card");
        // The store's name in the portal's header leads here too: the page says why it asks for an email.
        assertThat(browser.get(portal).body()).contains("only lets you update your card");
        assertThat(new PortalClient(port).get(portal).body()).doesNotContain("only lets you update your card");
    }

    @Test
    void aCardLinkSessionCannotRemoveACard() {
        var shop = shops.open();
        String customer = customer(shop, "eli@example.com");
        String spare = shops.saveCard(shop, customer, "pm_card_mastercard");
        String link = path(cardLinks.url(shop.accountId(), customer));
        String portal = "/portal/" + shop.accountId();
        var browser = new PortalClient(port);
        assertThat(browser.post(link, link, "").status()).isEqualTo(302);

        var page = browser.get(portal + "/cards");
        var removed = browser.post(portal + "/cards", portal + "/cards/" + spare + "/remove", "");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("/remove");
        // It says why there is no Remove, and where to go for one.
        assertThat(page.body()).contains("To remove a card,", "sign in with your email</a>");
        assertThat(removed.status()).isEqualTo(302);
        assertThat(removed.header("Location")).isEqualTo(portal + "?cards_only");
        assertThat(portalCards.wallet(shop.accountId(), customer).card(spare)).isPresent();
    }

    /**
     * A buyer signed in fully who opens the card link from an email keeps what they had: a probe found the link's
     * cards-only session replacing the full one, so the orders page sent them back to sign in.
     */
    @Test
    void aCardLinkOpenedWhileSignedInFullyKeepsTheFullSessionAndUsesTheLinkUp() {
        var shop = shops.open();
        String customer = customer(shop, "fay@example.com");
        String portal = "/portal/" + shop.accountId();
        var browser = new PortalClient(port);
        String session = api.post("/api/v1/portal_sessions", shop.apiKey(), """
            {"customer_id": "%s"}""".formatted(customer)).json().get("url").asString();
        assertThat(browser.get(path(session)).status()).isEqualTo(302);
        String link = path(cardLinks.url(shop.accountId(), customer));

        var opened = browser.post(link, link, "");

        assertThat(opened.status()).isEqualTo(302);
        assertThat(opened.header("Location")).isEqualTo(portal + "/cards");
        assertThat(browser.get(portal + "/").status()).as("the overview, still signed in fully").isEqualTo(200);
        assertThat(new PortalClient(port).get(link).status()).as("the link is used up").isEqualTo(410);
        // Another customer's link is theirs: opened, it asks before switching, naming them (a review found it swapping
        // the signed-in buyer to another customer's cards unnoticed, offering to pay their bills); confirmed, it signs
        // this browser in as them, for their cards only.
        String other = customer(shop, "gil@example.com");
        String theirs = path(cardLinks.url(shop.accountId(), other));
        var asked = browser.get(theirs);
        assertThat(asked.status()).isEqualTo(200);
        assertThat(asked.body()).contains("gil@example.com").contains("action=\"" + theirs + "\"");
        assertThat(browser.get(portal + "/").status()).as("still signed in as before").isEqualTo(200);
        assertThat(browser.post(theirs, theirs, "").status()).isEqualTo(302);
        assertThat(browser.get(portal + "/").header("Location")).isEqualTo(portal + "?cards_only");
    }

    /**
     * A reviewer found a card link spent on a full session about to reach its 12-hour limit: the buyer was sent to
     * sign in minutes later, the link already used. Near its end, the session is traded for the link's own.
     */
    @Test
    void aCardLinkOpenedAsAFullSessionEndsIsNotSpentOnIt() {
        var shop = shops.open();
        String customer = customer(shop, "hal@example.com");
        String portal = "/portal/" + shop.accountId();
        var browser = new PortalClient(port);
        String session = api.post("/api/v1/portal_sessions", shop.apiKey(), """
            {"customer_id": "%s"}""".formatted(customer)).json().get("url").asString();
        assertThat(browser.get(path(session)).status()).isEqualTo(302);
        for (int quarter = 0; quarter < 47; quarter++) {
            clock.passRealTime(Duration.ofMinutes(15));
            assertThat(browser.get(portal + "/").status()).as("signed in after %d minutes", 15 * (quarter + 1))
                .isEqualTo(200);
        }
        String link = path(cardLinks.url(shop.accountId(), customer));

        assertThat(browser.post(link, link, "").header("Location")).isEqualTo(portal + "/cards");
        for (int quarter = 0; quarter < 4; quarter++) {
            clock.passRealTime(Duration.ofMinutes(15));
            assertThat(browser.get(portal + "/cards").status()).as("the card page an hour on").isEqualTo(200);
        }
    }

    @Test
    void aCardLinkWorksOnce() {
        var shop = shops.open();
        String link = path(cardLinks.url(shop.accountId(), customer(shop, "bo@example.com")));
        var first = new PortalClient(port);
        assertThat(first.post(link, link, "").status()).isEqualTo(302);

        var second = new PortalClient(port);
        var again = second.get(link);
        assertThat(again.status()).isEqualTo(410);
        assertThat(second.post("/portal/" + shop.accountId(), link, "").status()).isEqualTo(410);
        // Said so of any link, used or out of time, and never called a sign-in link (a probe found it did both).
        assertThat(again.body()).contains("This link no longer works", "works once", "Email me a new link")
            .doesNotContain("expired", "Sign-in links");
    }

    @Test
    void aCardLinkExpiresAfterSevenDays() {
        var shop = shops.open();
        String link = path(cardLinks.url(shop.accountId(), customer(shop, "cai@example.com")));

        clock.passRealTime(Duration.ofDays(7).plusSeconds(1));

        var browser = new PortalClient(port);
        assertThat(browser.get(link).status()).isEqualTo(410);
        assertThat(browser.post("/portal/" + shop.accountId(), link, "").status()).isEqualTo(410);
    }

    /** Opens the link in a new browser: the card page, or 410 for a link that no longer works. */
    private int open(String link, String portal) {
        var browser = new PortalClient(port);
        var asked = browser.get(link);
        if (asked.status() != 200) {
            return asked.status();
        }
        var opened = browser.post(link, link, "");
        assertThat(opened.header("Location")).isEqualTo(portal + "/cards");
        return browser.get(portal + "/cards").status();
    }

    @Test
    void aCardLinkStillOpensTheCardPageOneSecondBeforeItsSevenDaysEndAndNotAtTheirEnd() {
        var shop = shops.open();
        String customer = customer(shop, "cyd@example.com");
        String portal = "/portal/" + shop.accountId();
        String openedLate = path(cardLinks.url(shop.accountId(), customer));
        String openedAtTheEnd = path(cardLinks.url(shop.accountId(), customer));

        clock.passRealTime(Duration.ofDays(7).minusSeconds(1));
        assertThat(open(openedLate, portal)).as("a second before the end").isEqualTo(200);

        clock.passRealTime(Duration.ofSeconds(1));
        assertThat(open(openedAtTheEnd, portal)).as("at the end").isEqualTo(410);
        assertThat(new PortalClient(port).post(portal, openedAtTheEnd, "").status()).isEqualTo(410);
    }

    /**
     * A seller who shortens the validity (PT36H here) shortens the links made after it; a link already in a buyer's
     * inbox keeps the validity it was sent with, as its expiry is signed into it.
     */
    @Test
    void aShorterCardLinkValidityInThePortalSettingsIsHonouredByLinksMadeAfterIt() {
        var shop = shops.open();
        String customer = customer(shop, "dot@example.com");
        String portal = "/portal/" + shop.accountId();
        String sentBefore = path(cardLinks.url(shop.accountId(), customer));
        var saved = api.send("PUT", "/api/v1/portal_settings", shop.apiKey(), """
            {"card_link_validity": "PT36H"}""", List.of("Content-Type", "application/json"));
        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        String openedLate = path(cardLinks.url(shop.accountId(), customer));
        String openedAtTheEnd = path(cardLinks.url(shop.accountId(), customer));

        clock.passRealTime(Duration.ofHours(36).minusSeconds(1));
        assertThat(open(openedLate, portal)).as("a second before its 36 hours end").isEqualTo(200);

        clock.passRealTime(Duration.ofSeconds(1));
        assertThat(open(openedAtTheEnd, portal)).as("at the end of its 36 hours").isEqualTo(410);
        assertThat(open(sentBefore, portal)).as("a link made before the change, 36 hours on").isEqualTo(200);
    }

    @Test
    void aTamperedOrForeignCardLinkIsRefused() {
        var shop = shops.open();
        var other = shops.open();
        String mine = customer(shop, "dee@example.com");
        String theirs = customer(other, "dee@example.com");
        String link = path(cardLinks.url(shop.accountId(), mine));
        String token = link.substring(link.lastIndexOf('/') + 1);
        var browser = new PortalClient(port);

        String forOtherCustomer = link.replace(mine + "-", theirs + "-");
        String atOtherAccount = "/portal/" + other.accountId() + "/card_link/" + token;
        String longer = link.replaceFirst("-(\\d+)-", "-9999999999-");

        for (String forged : List.of(forOtherCustomer, atOtherAccount, longer)) {
            assertThat(browser.get(forged).status()).as(forged).isEqualTo(410);
        }
        assertThat(browser.get(link).status()).as("the genuine link is untouched").isEqualTo(200);
    }
}
