package io.till.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.StaffBrowser;
import io.till.testing.TillIntegrationTest;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Follows every link of the dashboard, from a store with a customer who bought a subscription and a payment plan, the
 * way a new member of staff clicking around would: no page answers 4xx or 5xx, every control has a name a screen
 * reader can say, and no page scrolls sideways on a 390 px phone. A page added tomorrow is covered the day its first
 * link appears.
 */
@TillIntegrationTest
class DashboardWalkTest {

    /** More pages than the dashboard has; a walk that reaches it is following an endless chain of links. */
    private static final int MOST_PAGES = 300;

    /** Controls without a name: inputs without a label, buttons and links without text, aria-label or title. */
    private static final String UNNAMED_CONTROLS = """
        () => Array.from(document.querySelectorAll(
                'input:not([type=hidden]), select, textarea, button, a[href], [role=button]'))
          .filter(el => {
            const labelledBy = el.getAttribute('aria-labelledby');
            const named = (el.getAttribute('aria-label') || '').trim()
              || (labelledBy && (document.getElementById(labelledBy) || {}).textContent)
              || (el.title || '').trim();
            if (named) return false;
            if (el.tagName === 'BUTTON' || el.tagName === 'A' || el.getAttribute('role') === 'button') {
              return !el.textContent.trim() && !el.querySelector('img[alt]:not([alt=""])');
            }
            if (el.type === 'submit' || el.type === 'button' || el.type === 'reset') return !(el.value || '').trim();
            return !(el.labels && el.labels.length > 0);
          })
          .map(el => el.outerHTML.slice(0, 200))
        """;

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    Shops shops;
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

    /**
     * As an owner and as a member of staff: a staff member is offered no link to a page only an owner may open (the
     * integrations answered staff with a 403 from the settings page).
     */
    @ParameterizedTest(name = "as {0}")
    @ValueSource(strings = {"owner", "staff"})
    void everyDashboardLinkOpensAPageWhoseControlsHaveNamesAndWhichFitsAPhone(String role) {
        var shop = shops.open();
        var ada = api.post("/api/v1/customers", shop.apiKey(), """
            {"name": "Ada Lovelace", "email": "ada@analytical.example", "tags": ["vip"]}""");
        assertThat(ada.status()).as(ada.text()).isEqualTo(201);
        String customer = ada.json().get("id").asString();
        for (String option : List.of(shop.monthly(), shop.plan())) {
            var bought = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
                {"customer_id": "%s", "token": "pm_card_visa", "option_id": "%s"}""".formatted(customer, option));
            assertThat(bought.status()).as(bought.text()).isEqualTo(201);
        }
        var staff = StaffBrowser.of(db, passwords, shop.accountId(), role);
        var page = staff.signIn(api, chromium.page(1280));

        Map<String, Integer> statuses = new LinkedHashMap<>();
        Map<String, List<String>> unnamed = new LinkedHashMap<>();
        List<String> tooWide = new ArrayList<>();
        var queue = new ArrayDeque<>(List.of("/admin/customers", "/admin/customers/" + customer));
        Set<String> seen = new LinkedHashSet<>(queue);
        // The owner's walk renders every page and checks it; a member of staff's reads the same pages' links through
        // the same session without rendering them (a quarter of the time), for the links it is offered.
        boolean rendered = role.equals("owner");
        while (!queue.isEmpty()) {
            assertThat(seen).as("a walk of the dashboard ends").hasSizeLessThan(MOST_PAGES);
            String path = queue.removeFirst();
            if (!rendered) {
                var read = page.request().get(api.uri(path).toString());
                statuses.put(path, read.status());
                paths(linksIn(read.text(), api.uri(path))).stream().filter(seen::add).forEach(queue::addLast);
                continue;
            }
            var response = page.navigate(api.uri(path).toString());
            statuses.put(path, response == null ? -1 : response.status());
            @SuppressWarnings("unchecked")
            var names = (List<String>) page.evaluate(UNNAMED_CONTROLS);
            if (!names.isEmpty()) {
                unnamed.put(path, names);
            }
            links(page).stream().filter(seen::add).forEach(queue::addLast);
            // The same page narrowed to a phone's width: the stylesheet's media queries lay it out again, as they
            // would on a phone, without a second request.
            // Every page at both widths is kept for a reader: target/screenshots/walk/<path>-390.png and -1280.png.
            String shot = "walk/" + shotName(path);
            Chromium.screenshot(page, shot + "-1280");
            page.setViewportSize(390, 844);
            int width = ((Number) page.evaluate("document.documentElement.scrollWidth")).intValue();
            if (width > 390) {
                tooWide.add(path + " is " + width + " px wide");
            }
            Chromium.screenshot(page, shot + "-390");
            page.setViewportSize(1280, 844);
        }

        assertThat(statuses.keySet()).as("the walk reached the record pages and the sections")
            .contains("/admin/developers/api-keys")
            .anyMatch(p -> p.startsWith("/admin/customers/cus_"));
        assertThat(statuses).as("pages answering 4xx or 5xx").allSatisfy((path, status) -> assertThat(status)
            .as(path).isBetween(200, 399));
        assertThat(unnamed).as("controls without a name, by page").isEmpty();

        assertThat(tooWide).as("pages that scroll sideways at 390 px").isEmpty();
    }

    /** A file name for a page: {@code /admin/customers/cus_1?status=all} reads {@code customers_cus_1_status-all}. */
    private static String shotName(String path) {
        String name = path.replaceFirst("^/admin/?", "").replaceAll("[^A-Za-z0-9_-]+", "_").replaceAll("_+$", "");
        return name.isEmpty() ? "home" : name.length() > 120 ? name.substring(0, 120) : name;
    }

    /** The dashboard pages a page links to, as paths with their query; sign-out and downloads are not pages. */
    private List<String> links(Page page) {
        @SuppressWarnings("unchecked")
        var hrefs = (List<String>) page.evaluate("() => Array.from(document.querySelectorAll('a[href]'), a => a.href)");
        return paths(hrefs);
    }

    private static final Pattern LINK = Pattern.compile("<a\\s[^>]*href=\"([^\"]*)\"");

    /** The links of a page's HTML, made absolute against its address as a browser would. */
    private static List<String> linksIn(String html, URI base) {
        List<String> hrefs = new ArrayList<>();
        Matcher link = LINK.matcher(html);
        while (link.find()) {
            String href = link.group(1).replace("&amp;", "&");
            if (!href.isEmpty() && !href.startsWith("#") && !href.startsWith("mailto:")
                && !href.startsWith("javascript:")) {
                hrefs.add(base.resolve(href).toString());
            }
        }
        return hrefs;
    }

    /** Of these absolute links, the dashboard pages, as paths with their query. */
    private List<String> paths(List<String> hrefs) {
        String origin = api.uri("/").toString();
        List<String> paths = new ArrayList<>();
        for (String href : hrefs) {
            if (!href.startsWith(origin)) {
                continue;
            }
            URI uri = URI.create(href);
            String path = uri.getRawPath();
            if (!path.startsWith("/admin/") || path.startsWith("/admin/logout") || path.startsWith("/admin/assets/")
                || path.endsWith(".pdf") || path.endsWith(".csv") || path.endsWith(".json")) {
                continue;
            }
            paths.add(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
        }
        return paths;
    }
}
