package io.till.portal;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.LoadState;
import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A double click on a portal form's button sends the form once, in a real Chromium: the button shows it is busy and
 * takes no second click, and the page ends where one click would have left it.
 */
@TillIntegrationTest
class PortalDoubleClickPageTest {

    private static Chromium chromium;

    /**
     * Writes down, in the tab's sessionStorage (which outlives the page), the busy buttons of the page each time a
     * button changes: their text, and whether they are disabled.
     */
    private static final String BUSY_WATCH = """
        new MutationObserver(() => {
          const busy = [...document.querySelectorAll('button[aria-busy=true]')];
          if (busy.length) {
            sessionStorage.setItem('busy', JSON.stringify(busy.map(b =>
              b.textContent.trim() + (b.disabled ? ' (disabled)' : ''))));
          }
        }).observe(document, {subtree: true, attributes: true, attributeFilter: ['aria-busy', 'disabled']});
        """;

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
    void aDoubleClickOnCancelThenOnKeepSendsEachOnceAndTheSubscriptionEndsCanceledThenKept() {
        var shop = shops.open();
        for (int width : new int[]{390, 1280}) {
            var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "double" + width + "@example.com");
            String subscription = order.get("subscription_id").asString();
            var page = signedIn(shop, order.get("customer_id").asString(), width);
            var posts = posts(page);
            page.navigate(api.uri("/portal/" + shop.accountId() + "/subscriptions/" + subscription + "/cancel")
                .toString());

            doubleClickWhileSending(page, page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions()
                .setName("Cancel subscription")), "**/cancel");

            assertThat(page.locator(".notice.success")).containsText("Your subscription is canceling");
            assertThat(posts).as("posts of the cancel form").containsExactly("/subscriptions/" + subscription
                + "/cancel");
            assertThat(busySeen(page)).as("busy while the cancel was on its way").containsExactly(
                "Cancel subscription (disabled)");
            assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("canceling");
            // The click only waited for the new page to commit; portal.js (deferred) guards its forms by "load".
            page.waitForLoadState(LoadState.LOAD);

            var keep = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Keep my subscription"));
            shootBusy(page, keep, "portal-double-click-keep-busy-" + width);
            doubleClickWhileSending(page, keep, "**/keep");

            assertThat(page.locator(".notice.success")).containsText("Glad you're staying");
            assertThat(page.locator(".detail-head .status")).hasText("active");
            assertThat(posts).as("posts after keeping").containsExactly("/subscriptions/" + subscription + "/cancel",
                "/subscriptions/" + subscription + "/keep");
            assertThat(page.locator("button[type=submit]:disabled")).hasCount(0);
            Chromium.screenshot(page, "portal-double-click-kept-" + width);
        }
    }

    @Test
    void aDoubleClickOnATestCardAndOnSaveAndPayAddsOneCardAndChargesOnce() {
        var buyer = TwoSubscriptions.open(api, shops);
        var session = api.post("/api/v1/portal_sessions", buyer.shop().apiKey(),
            "{\"customer_id\": \"" + buyer.customer() + "\"}");
        var page = chromium.page(390);
        page.addInitScript(BUSY_WATCH);
        page.navigate(session.json().get("url").asString());
        var posts = posts(page);
        page.navigate(api.uri("/portal/" + buyer.account() + "/cards/new").toString());

        // The test card's button carries its number as its value: it must still go with the form.
        doubleClickWhileSending(page, page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(
            "Save Visa •••• 4242: Every charge succeeds.")), "**/cards/new");

        assertThat(page.getByRole(AriaRole.STATUS).first()).containsText("Visa ending in 4242 is saved");
        assertThat(posts).containsExactly("/cards/new");
        page.waitForLoadState(LoadState.LOAD);
        var pastDue = page.locator("#pay-" + buyer.pastDue());
        String visa = page.locator("#card-" + buyer.pastDue() + " option", new Page.LocatorOptions().setHasText(
            "4242")).getAttribute("value");
        // The failing card, the other subscription's Mastercard, and the one Visa just added.
        assertThat(page.locator("#card-" + buyer.pastDue() + " option")).hasCount(3);
        long chargesBefore = ledger.charges(buyer.account());
        pastDue.getByLabel("Paid with").selectOption(visa);

        var pay = pastDue.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save and pay $19.00"));
        doubleClickWhileSending(page, pay, "**/cards/choose");

        assertThat(page.locator("#pay-" + buyer.pastDue()).getByRole(AriaRole.STATUS)).containsText(
            "Paid $19.00 with Visa ending in 4242.");
        assertThat(posts).containsExactly("/cards/new", "/cards/choose");
        assertThat(busySeen(page)).containsExactly("Save and pay $19.00 (disabled)");
        assertThat(ledger.charges(buyer.account())).isEqualTo(chargesBefore + 1);
    }

    private Page signedIn(Shops.Shop shop, String customerId, int width) {
        String url = api.post("/api/v1/portal_sessions", shop.apiKey(), "{\"customer_id\": \"%s\"}"
            .formatted(customerId)).json().get("url").asString();
        var page = chromium.page(width);
        page.addInitScript(BUSY_WATCH);
        page.navigate(url);
        return page;
    }

    /** The form posts the browser sends from now on, each as its path after the account. */
    private static List<String> posts(Page page) {
        var posts = java.util.Collections.synchronizedList(new ArrayList<String>());
        page.onRequest(request -> {
            if (request.method().equals("POST")) {
                String path = java.net.URI.create(request.url()).getPath();
                posts.add(path.substring(path.indexOf('/', "/portal/".length())));
            }
        });
        return posts;
    }

    /**
     * Double-clicks {@code button} as a person does: the second click comes while the first post to {@code pattern}
     * is on its way (held here, a slow answer). Then lets every post go; {@link #busySeen} tells what the page showed
     * meanwhile.
     */
    private static void doubleClickWhileSending(Page page, Locator button, String pattern) {
        button.scrollIntoViewIfNeeded();
        var box = button.boundingBox();
        double x = box.x + box.width / 2;
        double y = box.y + box.height / 2;
        var held = new ArrayList<Route>();
        var holding = new boolean[]{true};
        page.route(pattern, route -> {
            if (holding[0]) {
                held.add(route);
            } else {
                route.resume();
            }
        });
        page.evaluate("sessionStorage.removeItem('busy')");
        page.mouse().click(x, y);
        page.waitForCondition(() -> !held.isEmpty());
        // Raw input: while a navigation is pending Playwright can neither ask the page nor act on its elements (it
        // waits for the next document).
        page.mouse().click(x, y);
        holding[0] = false;
        for (var route : held) {
            try {
                route.resume();
            } catch (PlaywrightException canceled) {
                // A second submission replaced the first navigation: the browser dropped the first request.
            }
        }
        page.unroute(pattern);
    }

    /** The busy buttons {@link #BUSY_WATCH} saw last, each with whether it was disabled; ask once the page is there. */
    private static List<String> busySeen(Page page) {
        Object busy = page.evaluate("JSON.parse(sessionStorage.getItem('busy') || '[]')");
        return ((List<?>) busy).stream().map(String::valueOf).toList();
    }

    /**
     * Clicks {@code button} on a page whose form never leaves (as if the answer took forever) and shoots it as
     * {@code screenshot}: the button must show it is busy and take no second click. The page is loaded again after.
     */
    private static void shootBusy(Page page, Locator button, String screenshot) {
        // Bubbling to the window comes after portal.js's listener on the document has seen the submission.
        page.evaluate("window.addEventListener('submit', event => event.preventDefault(), {once: true})");
        button.click();
        assertThat(button).isDisabled();
        assertThat(button).hasAttribute("aria-busy", "true");
        Chromium.screenshot(page, screenshot);
        page.reload();
    }
}
