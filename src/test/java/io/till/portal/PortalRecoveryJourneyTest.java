package io.till.portal;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.payment.SandboxLedger;
import io.till.receipt.ReceiptPdfs;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The seeds' whole recovery loop in a real browser, as a buyer on a phone lives it (issue 11): the Payment Dunning
 * automation emails about a failed renewal, the card-update link in that email opens the card page, the buyer adds a
 * card and chooses it for that subscription only, the unpaid balance is paid, and no further dunning email follows.
 * Then the same buyer signs in by magic link, cancels with a reason, changes their mind, and downloads a receipt.
 */
@TillIntegrationTest
class PortalRecoveryJourneyTest {

    private static final Pattern CARD_LINK = Pattern.compile("http://\\S+/portal/[a-z0-9_]+/card_link/[a-z0-9_-]+");
    private static final Pattern SIGN_IN_LINK = Pattern.compile("http://\\S+/portal/[a-z0-9_]+/link/[a-z0-9_-]+");

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    @Test
    void aDunningEmailLeadsTheBuyerToANewCardThatPaysTheBalanceAndTheEmailsStop() {
        var shop = shops.open();
        api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"company_name": "Lumen Yoga", "support_email": "help@lumen.example", "brand_color": "#0f766e"}""",
            List.of("Content-Type", "application/json"));
        var dunning = api.post("/api/v1/automations", shop.apiKey(), "{\"template\": \"payment_dunning\"}");
        assertThat(dunning.status()).as(dunning.text()).isEqualTo(201);
        assertThat(api.post("/api/v1/automations/" + dunning.json().get("id").asString() + "/activate",
            shop.apiKey(), null).status()).isEqualTo(200);
        var failing = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String customer = failing.get("customer_id").asString();
        String pastDue = failing.get("subscription_id").asString();
        var monthly = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "token": "pm_card_mastercard", "option_id": "%s"}"""
            .formatted(customer, shop.monthly()));
        assertThat(monthly.status()).as(monthly.text()).isEqualTo(201);
        String other = monthly.json().get("subscription_id").asString();
        String otherCard = monthly.json().get("card_id").asString();

        shops.advance(shop, "P14DT1H");
        assertThat(shops.subscription(shop, pastDue).get("status").asString()).isEqualTo("past_due");
        JsonNode notice = awaitMail(shop, "We couldn't process your payment");
        assertThat(notice.get("to").asString()).isEqualTo("ada@example.com");
        assertThat(notice.get("html").asString()).as("the link is a button in the branded email")
            .contains(">Update your card</a>");
        var link = CARD_LINK.matcher(notice.get("text").asString());
        assertThat(link.find()).as(notice.get("text").asString()).isTrue();

        var page = chromium.page(390);
        page.navigate(link.group());
        assertThat(page.locator("h1")).hasText("Update your card");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Continue")).click();
        payWithANewVisa(page, shop, pastDue);
        Chromium.screenshot(page, "journey-card-link-paid-390");

        assertThat(shops.subscription(shop, pastDue).get("status").asString()).isEqualTo("active");
        assertThat(shops.subscription(shop, other).get("card_id").asString())
            .as("the other subscription keeps its card")
            .isEqualTo(otherCard);
        page.navigate(api.uri("/portal/" + shop.accountId() + "/").toString());
        assertThat(page.locator("h1").textContent()).as("a card-update link opens the card page and nothing else")
            .isNotEqualTo("Subscriptions and plans");

        shops.advance(shop, "P10D");
        assertThat(subjects(shop)).as("no further dunning email once the balance is paid")
            .containsExactly("We couldn't process your payment");
    }

    /**
     * The journey in one go: a sign-in link from the dev mailbox, the buyer's two subscriptions, a new card
     * chosen for the one whose renewal failed (the other keeps its card), that balance paid, then a cancellation with a
     * reason taken back, and a receipt PDF read back.
     */
    @Test
    void aBuyerSignsInByEmailPaysWithANewCardCancelsWithAReasonKeepsItAndDownloadsAReceipt() throws Exception {
        var shop = shops.open();
        var failing = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "grace@example.com");
        String customer = failing.get("customer_id").asString();
        String pastDue = failing.get("subscription_id").asString();
        var monthly = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "token": "pm_card_mastercard", "option_id": "%s"}"""
            .formatted(customer, shop.monthly()));
        assertThat(monthly.status()).as(monthly.text()).isEqualTo(201);
        String other = monthly.json().get("subscription_id").asString();
        String otherCard = monthly.json().get("card_id").asString();
        shops.advance(shop, "P14DT1H");
        assertThat(shops.subscription(shop, pastDue).get("status").asString()).isEqualTo("past_due");
        var page = chromium.page(1280);

        page.navigate(api.uri("/portal/" + shop.accountId()).toString());
        page.getByLabel("Email address").fill("grace@example.com");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Email me a sign-in link")).click();
        var link = SIGN_IN_LINK.matcher(awaitMail(shop, null).get("text").asString());
        assertThat(link.find()).isTrue();
        page.navigate(link.group());
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page.locator("h1")).hasText("Subscriptions and plans");
        Chromium.screenshot(page, "journey-overview-1280");

        // A new card, chosen for the subscription whose renewal failed: its balance is paid, the other keeps its card.
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Update card to pay")).click();
        payWithANewVisa(page, shop, pastDue);
        Chromium.screenshot(page, "journey-paid-1280");
        assertThat(shops.subscription(shop, pastDue).get("status").asString()).isEqualTo("active");
        assertThat(shops.subscription(shop, other).get("card_id").asString())
            .as("the other subscription keeps its card")
            .isEqualTo(otherCard);

        // Cancel the subscription just paid, with a reason, and take it back.
        page.navigate(api.uri("/portal/" + shop.accountId() + "/subscriptions/" + pastDue).toString());
        page.getByText("Cancel subscription").click();
        page.getByLabel("I don't use it enough").check();
        page.locator("button.danger").click();
        assertThat(page.locator(".detail-head .status")).hasText("canceling");
        var canceling = shops.subscription(shop, pastDue);
        assertThat(canceling.get("status").asString()).isEqualTo("canceling");
        assertThat(canceling.get("cancel_reason").asString()).isEqualTo("I don't use it enough");
        page.getByText("Keep my subscription").click();
        assertThat(page.locator(".detail-head .status")).hasText("active");
        assertThat(shops.subscription(shop, pastDue).get("status").asString()).isEqualTo("active");

        page.navigate(api.uri("/portal/" + shop.accountId() + "/orders/" + monthly.json().get("id").asString()
            + "/receipt").toString());
        var download = page.waitForDownload(() -> page.getByText("Download PDF").click());
        String text = ReceiptPdfs.text(Files.readAllBytes(download.path()));
        assertThat(text).contains("Receipt", "Membership", "4444");
        Chromium.screenshot(page, "journey-receipt-1280");
    }

    /**
     * On the cards page: adds a Visa and chooses it for {@code pastDue}, whose $19.00 it pays with one charge, as the
     * page then says.
     */
    private void payWithANewVisa(Page page, Shops.Shop shop, String pastDue) {
        assertThat(page.locator("#pay-" + pastDue)).containsText("$19.00 unpaid");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("+ Add a card")).click();
        page.getByLabel("Card number").fill("4242 4242 4242 4242");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save card")).click();
        long chargesBefore = ledger.charges(shop.accountId());
        var item = page.locator("#pay-" + pastDue);
        String visa = page.locator("#card-" + pastDue + " option", new Page.LocatorOptions().setHasText("4242"))
            .getAttribute("value");
        item.getByLabel("Paid with").selectOption(visa);
        item.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save and pay $19.00")).click();
        assertThat(page.locator("#pay-" + pastDue).getByRole(AriaRole.STATUS)).containsText("Paid $19.00");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(chargesBefore + 1);
    }

    private List<String> subjects(Shops.Shop shop) {
        var subjects = new ArrayList<String>();
        api.get("/api/v1/dev/mailbox", shop.apiKey()).json().get("data")
            .forEach(mail -> subjects.add(mail.get("subject").asString()));
        return subjects;
    }

    /** The newest email (with {@code subject}, when given), waiting up to ten seconds for a background send. */
    private JsonNode awaitMail(Shops.Shop shop, String subject) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode mail : api.get("/api/v1/dev/mailbox", shop.apiKey()).json().get("data")) {
                if (subject == null || subject.equals(mail.get("subject").asString())) {
                    return mail;
                }
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        throw new AssertionError("no email" + (subject == null ? "" : " '" + subject + "'") + " arrived");
    }
}
