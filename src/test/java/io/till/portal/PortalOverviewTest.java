package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.GatewayFaults;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

/** What the overview shows a buyer: their own subscriptions, plans, orders and payments, and what they owe. */
@TillIntegrationTest
class PortalOverviewTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    Api api;

    @Autowired
    Shops shops;

    @Autowired
    MutableClock clock;

    @Autowired
    GatewayFaults faults;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient db;

    private PortalClient signIn(Shops.Shop shop, String customerId) {
        var browser = new PortalClient(port);
        browser.get(api.post("/api/v1/portal_sessions", shop.apiKey(), """
            {"customer_id": "%s"}""".formatted(customerId)).json().get("url").asString());
        return browser;
    }

    /** The same buyer's second order: the payment plan ($100.00), paid by card. */
    private JsonNode buyPlanToo(Shops.Shop shop, String customer) {
        return api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "token": "pm_card_visa", "option_id": "%s"}""".formatted(customer, shop.plan()))
            .json();
    }

    @Test
    void aBuyerSeesOnlyTheirOwnBilling() {
        var shop = shops.open();
        var ada = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var bob = shops.buy(shop, shop.plan(), "pm_card_mastercard", "bob@example.com");

        String page = signIn(shop, ada.get("customer_id").asString()).get("/portal/" + shop.accountId() + "/").body();

        assertThat(page).contains("Membership · Monthly", ada.get("id").asString(), "4242")
            .doesNotContain("3 payments", bob.get("id").asString(), "4444", "bob@example.com")
            .doesNotContain("of credit");
    }

    /**
     * A store selling in euros or yen: the buyer reads amounts in that currency, with its own decimals (yen have none,
     * so 1900 minor units are ¥1,900), on the overview, the order and its receipt.
     */
    @Test
    void aBuyerPayingInEurosOrYenSeesAmountsInTheirCurrencyWithItsOwnDecimals() {
        var shop = shops.open();
        for (var currency : List.of(List.of("eur", "€19.00"), List.of("jpy", "¥1,900"))) {
            var order = buyIn(shop, currency.get(0), currency.get(0) + "@example.com");
            String shown = currency.get(1);
            var browser = signIn(shop, order.get("customer_id").asString());

            String overview = browser.get("/portal/" + shop.accountId() + "/").body();
            String orderPage = browser.get("/portal/" + shop.accountId() + "/orders/" + order.get("id").asString())
                .body();
            String receipt = browser.get("/portal/" + shop.accountId() + "/orders/" + order.get("id").asString()
                + "/receipt").body();

            assertThat(overview).as(currency.get(0)).contains("<strong>" + shown + "</strong>").doesNotContain("$19.00",
                "¥19.00", "JPY", "EUR");
            assertThat(orderPage).as(currency.get(0))
                .contains("<td class=\"amount\">" + shown + "</td>", shown + " every month")
                .doesNotContain("$19.00", "¥19.00");
            assertThat(receipt).as(currency.get(0)).contains(shown).doesNotContain("$19.00", "¥19.00");
        }
    }

    /** Buys, as a new customer, a monthly subscription of 1900 minor units in {@code currency}; returns the order. */
    private JsonNode buyIn(Shops.Shop shop, String currency, String email) {
        var product = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Membership", "options": [
              {"name": "Monthly", "kind": "subscription", "amount": 1900, "currency": "%s", "interval": "month"}]}"""
            .formatted(currency)).json();
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Join", "product_id": "%s"}""".formatted(product.get("id").asString())).json();
        var bought = api.post("/api/v1/checkouts/" + checkout.get("id").asString() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Buyer", "email": "%s"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(email, product.get("options").get(0).get("id").asString()));
        assertThat(bought.status()).as(bought.text()).isEqualTo(201);
        return bought.json();
    }

    /** Credit granted (or from a credit note) is named where the buyer looks, with what it is for. */
    @Test
    void aBuyersCreditIsShownOnTheirOverview() {
        var shop = shops.open();
        var ada = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = ada.get("customer_id").asString();
        var granted = api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(), """
            {"amount": 300, "currency": "usd", "reason": "Sorry for the outage"}""");
        assertThat(granted.status()).as(granted.text()).isIn(200, 201);

        String page = signIn(shop, customer).get("/portal/" + shop.accountId() + "/").body();

        assertThat(page).contains("<strong>$3.00</strong> of credit. It is used on your next bills before your "
            + "card is");
    }

    /** Read without JavaScript (which rewrites them in the browser's zone), days are the store's; hover keeps UTC. */
    @Test
    void withoutJavaScriptDaysAreWrittenInTheStoresTimeZoneWithTheUtcInstantOnHover() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "zoned@example.com");
        var subscription = api.get("/api/v1/subscriptions?customer_id=" + order.get("customer_id").asString(),
            shop.apiKey()).json().get("data").get(0);
        var nextBill = java.time.Instant.parse(subscription.get("current_period_end").asString());
        // A zone whose day is not UTC's at that moment: 14 hours ahead from 10:00 UTC on, 11 behind before.
        var zone = java.time.ZoneId.of(nextBill.atZone(java.time.ZoneOffset.UTC).getHour() >= 10
            ? "Pacific/Kiritimati"
            : "Pacific/Pago_Pago");
        var day = java.time.format.DateTimeFormatter.ofPattern("MMM d, yyyy", java.util.Locale.US);
        assertThat(api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"time_zone": "%s"}""".formatted(zone.getId()), List.of("Content-Type", "application/json")).status())
            .isEqualTo(200);

        String page = signIn(shop, order.get("customer_id").asString()).get("/portal/" + shop.accountId() + "/")
            .body();

        assertThat(page).contains(">" + day.format(nextBill.atZone(zone)) + "</time>",
            "title=\"" + java.time.format.DateTimeFormatter.ofPattern("MMM d, yyyy, HH:mm 'UTC'", java.util.Locale.US)
                .format(nextBill.atZone(java.time.ZoneOffset.UTC)) + "\"")
            .doesNotContain(">" + day.format(nextBill.atZone(java.time.ZoneOffset.UTC)) + "</time>");
    }

    /** A renewal's or an installment's payment says what it paid, where an order's says its order number. */
    @Test
    void eachPaymentSaysWhatItPaid() {
        var shop = shops.open();
        var plan = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        var monthly = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        assertThat(monthly.get("customer_id").asString()).isEqualTo(plan.get("customer_id").asString());
        shops.advance(shop, "P31DT1H");

        String payments = signIn(shop, plan.get("customer_id").asString()).get("/portal/" + shop.accountId()
            + "/payments").body();

        assertThat(payments).contains("Membership · installment 2 of 3", "Membership renewal", "Order #1",
            "Order #2");
    }

    /** The first bill after a free trial is the buyer's first payment for it, not a renewal. */
    @Test
    void theFirstPaymentAfterAFreeTrialIsNotCalledARenewal() {
        var shop = shops.open();
        var trial = shops.buy(shop, shop.trial(), "pm_card_visa", "ada@example.com");
        shops.advance(shop, "P15D");

        String payments = signIn(shop, trial.get("customer_id").asString()).get("/portal/" + shop.accountId()
            + "/payments").body();

        assertThat(payments).contains("Membership · first payment after the free trial").doesNotContain(
            "Membership renewal");
    }

    /** A renewal the buyer's credit paid in full took no card payment, and is listed all the same, as paid by credit. */
    @Test
    void aRenewalPaidWithCreditIsListedAmongThePayments() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        var credit = api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(), """
            {"amount": 5000, "currency": "usd", "reason": "Goodwill"}""");
        assertThat(credit.status()).as(credit.text()).isEqualTo(201);
        shops.advance(shop, "P31DT1H");
        assertThat(db.sql("SELECT count(*) FROM payments WHERE account_id = ? AND customer_id = ?")
            .params(shop.accountId(), customer).query(Integer.class).single()).as("no card payment for the renewal")
            .isEqualTo(1);
        var browser = signIn(shop, customer);

        String payments = browser.get("/portal/" + shop.accountId() + "/payments").body();
        String overview = browser.get("/portal/" + shop.accountId() + "/").body();

        assertThat(payments).contains("Membership renewal", "paid with credit", "$19.00", "Order #1");
        assertThat(overview).contains("paid with credit");

        // Its receipt, from its invoice: what it paid for, the credit applied, nothing charged; only to its buyer.
        String invoice = db.sql("SELECT id FROM invoices WHERE account_id = ? AND customer_id = ? AND status = 'paid'")
            .params(shop.accountId(), customer).query(String.class).single();
        String receiptPath = "/portal/" + shop.accountId() + "/invoices/" + invoice + "/receipt";
        assertThat(payments).contains(receiptPath);
        var receipt = browser.get(receiptPath);
        var pdf = browser.get(receiptPath + ".pdf");
        var other = signIn(shop, shops.buy(shop, shop.monthly(), "pm_card_visa", "bob@example.com").get(
            "customer_id").asString());

        assertThat(receipt.status()).isEqualTo(200);
        assertThat(receipt.body()).contains("Credit applied", "Your account credit", "Invoice reference " + invoice)
            .doesNotContain("Payment receipt");
        assertThat(pdf.status()).isEqualTo(200);
        assertThat(other.get(receiptPath).status()).isEqualTo(404);
        assertThat(other.get(receiptPath + ".pdf").status()).isEqualTo(404);
    }

    @Test
    void anOrderWhoseMoneyWentBackSaysRefundedAndOnePartlyRefundedSaysHowMuch() {
        var shop = shops.open();
        var first = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = first.get("customer_id").asString();
        var second = buyPlanToo(shop, customer);
        api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + first.get("payment_id").asString()
            + "\"}");
        api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + second.get("payment_id").asString()
            + "\", \"amount\": 1000}");
        var browser = signIn(shop, customer);

        String overview = browser.get("/portal/" + shop.accountId() + "/").body();
        String refunded = browser.get("/portal/" + shop.accountId() + "/orders/" + first.get("id").asString()).body();
        String partly = browser.get("/portal/" + shop.accountId() + "/orders/" + second.get("id").asString()).body();

        assertThat(overview).contains("status-refunded\">refunded<", "$10.00 refunded");
        assertThat(refunded).contains("status-refunded\">refunded<", "Refunded in full", "View receipt");
        assertThat(partly).contains("status-paid\">paid<", "$10.00 of $100.00 refunded", "View receipt");
    }

    /**
     * A refund the gateway was asked for but has not confirmed (its answer was lost; the billing clock settles it ten
     * minutes later) is not money back yet: the buyer is told it is on its way, not that it went back.
     */
    @Test
    void aRefundTheGatewayHasNotConfirmedIsOnItsWayNotRefunded() {
        var shop = shops.open();
        var first = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = first.get("customer_id").asString();
        var second = buyPlanToo(shop, customer);
        for (var refund : List.of("{\"payment_id\": \"" + first.get("payment_id").asString() + "\"}",
            "{\"payment_id\": \"" + second.get("payment_id").asString() + "\", \"amount\": 1000}")) {
            faults.afterNextRefund(shop.accountId(), new IllegalStateException("the answer was lost"));
            assertThat(api.post("/api/v1/refunds", shop.apiKey(), refund).status()).isEqualTo(500);
        }
        var browser = signIn(shop, customer);
        String overviewPath = "/portal/" + shop.accountId() + "/";
        String fullPath = "/portal/" + shop.accountId() + "/orders/" + first.get("id").asString();
        String partlyPath = "/portal/" + shop.accountId() + "/orders/" + second.get("id").asString();

        String overview = browser.get(overviewPath).body();
        String full = browser.get(fullPath).body();
        String partly = browser.get(partlyPath).body();

        assertThat(overview).doesNotContain("$10.00 refunded", "$19.00 refunded");
        assertThat(full).doesNotContain("Refunded in full", "status-refunded")
            .contains("$19.00 is being refunded to your card");
        assertThat(partly).doesNotContain("$10.00 of $100.00 refunded")
            .contains("$10.00 is being refunded to your card");

        shops.advance(shop, "PT11M");

        assertThat(browser.get(overviewPath).body()).contains("$10.00 refunded");
        assertThat(browser.get(fullPath).body()).contains("Refunded in full").doesNotContain("being refunded");
        assertThat(browser.get(partlyPath).body()).contains("$10.00 of $100.00 refunded")
            .doesNotContain("being refunded");
    }

    @Test
    void aRefundSaysWhatItGaveBackAndToWhichCardAndOpensThatPaymentsReceipt() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        var trial = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "token": "pm_card_visa", "option_id": "%s"}""".formatted(customer, shop.trial()));
        assertThat(trial.status()).as(trial.text()).isEqualTo(201);
        var advanced = shops.advance(shop, "P14DT1H");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        String renewal = api.get("/api/v1/payments?customer_id=" + customer, shop.apiKey()).json().get("data").get(0)
            .get("id").asString();
        assertThat(renewal).isNotEqualTo(order.get("payment_id").asString());
        for (String payment : List.of(order.get("payment_id").asString(), renewal)) {
            var refunded = api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + payment
                + "\", \"amount\": 500}");
            assertThat(refunded.status()).as(refunded.text()).isEqualTo(201);
        }
        long number = api.get("/api/v1/orders/" + order.get("id").asString(), shop.apiKey()).json().get("number")
            .asLong();

        String page = signIn(shop, customer).get("/portal/" + shop.accountId() + "/refunds").body();

        assertThat(page).contains("Refund of order #" + number, "Refund of your Membership payment",
            " · to Visa •••• 4242",
            "Of the $19.00 payment of");
        for (String payment : List.of(order.get("payment_id").asString(), renewal)) {
            assertThat(page).contains("href=\"/portal/" + shop.accountId() + "/payments/" + payment + "/receipt\"");
        }
    }

    private static long receiptLinks(String page) {
        return java.util.regex.Pattern.compile("href=\"/portal/acct_[a-z0-9]+/payments/[a-z0-9_]+/receipt\"")
            .matcher(page)
            .results()
            .count();
    }

    @Test
    void theOverviewShowsTheNewestPaymentsAndOrdersAndEveryOneIsAPageAwayHoweverMany() {
        var shop = shops.open();
        var orders = Ebooks.buy(api, shop, "ada@example.com", 23);
        shops.buy(shop, shop.monthly(), "pm_card_mastercard", "bob@example.com");
        var browser = signIn(shop, orders.getFirst().get("customer_id").asString());
        String portal = "/portal/" + shop.accountId();
        String oldest = portal + "/payments/" + orders.getFirst().get("payment_id").asString() + "/receipt";
        String newest = portal + "/payments/" + orders.getLast().get("payment_id").asString() + "/receipt";

        String overview = browser.get(portal + "/").body();
        var first = browser.get(portal + "/payments");
        var second = browser.get(portal + "/payments?page=2");
        var orderPages = List.of(browser.get(portal + "/orders"), browser.get(portal + "/orders?page=2"));

        assertThat(receiptLinks(overview)).isEqualTo(PortalPages.NEWEST);
        assertThat(overview).contains(newest, "See all 23 payments", "href=\"" + portal + "/payments\"",
            "See all 23 orders", "href=\"" + portal + "/orders\"").doesNotContain(oldest);
        assertThat(first.status()).isEqualTo(200);
        assertThat(receiptLinks(first.body())).isEqualTo(PortalHistoryPages.PAGE_SIZE);
        assertThat(first.body()).contains(newest, "1–20 of 23", "Page 1 of 2", "href=\"" + portal
            + "/payments?page=2\"").doesNotContain(oldest, "4444");
        assertThat(receiptLinks(second.body())).isEqualTo(3);
        assertThat(second.body()).contains(oldest, "21–23 of 23", "Page 2 of 2", "href=\"" + portal
            + "/payments?page=1\"").doesNotContain(newest);
        assertThat(browser.get(oldest).status()).isEqualTo(200);
        assertThat(orderPages.getFirst().body()).contains(orders.getLast().get("id").asString())
            .doesNotContain(orders.getFirst().get("id").asString());
        assertThat(orderPages.getLast().body()).contains(orders.getFirst().get("id").asString());
        assertThat(browser.get(portal + "/payments?page=3").status()).as("past the last page").isEqualTo(404);
        assertThat(browser.get(portal + "/payments?page=0").status()).isEqualTo(404);
    }

    @Test
    void aBuyerWithFewPaymentsSeesThemAllOnTheOverviewAndNoSeeAll() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var browser = signIn(shop, order.get("customer_id").asString());
        String portal = "/portal/" + shop.accountId();

        String overview = browser.get(portal + "/").body();
        String payments = browser.get(portal + "/payments").body();

        assertThat(overview).doesNotContain("See all");
        assertThat(receiptLinks(payments)).isOne();
        assertThat(payments).doesNotContain("Page 1 of", "Older");
        assertThat(browser.get(portal + "/refunds").body()).contains("No refunds yet.");
    }

    @Test
    void aFixedTermInItsLastPeriodShowsNoNextBill() {
        var shop = shops.open();
        var season = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Season", "options": [{"name": "One month", "kind": "subscription", "amount": 900,
             "currency": "usd", "interval": "month", "cycles": 1}]}""").json();
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Season", "product_id": "%s"}""".formatted(season.get("id").asString())).json();
        var order = api.post("/api/v1/checkouts/" + checkout.get("id").asString() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(season.get("options").get(0).get("id").asString()));
        assertThat(order.status()).as(order.text()).isEqualTo(201);

        String page = signIn(shop, order.json().get("customer_id").asString()).get("/portal/" + shop.accountId()
            + "/").body();

        assertThat(page).contains("Season · One month").doesNotContain("Next bill");
    }

    @Test
    void everySignedInPageSaysWhichEmailTheBuyerIsSignedInAs() {
        var shop = shops.open();
        String customerId = shops.buy(shop, shop.monthly(), "pm_card_visa", "dee@example.com")
            .get("customer_id")
            .asString();
        var browser = signIn(shop, customerId);

        for (String path : List.of("/", "/cards", "/orders")) {
            assertThat(browser.get("/portal/" + shop.accountId() + path).body()).as(path)
                .contains("Signed in as <span class=\"signed-in-as\">dee@example.com</span>");
        }
        assertThat(new PortalClient(port).get("/portal/" + shop.accountId()).body()).doesNotContain("Signed in as");
    }

    @Test
    void aFailedRenewalShowsItsUnpaidBalanceAndAsksForANewCard() {
        var shop = shops.open();
        String customerId = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "cy@example.com")
            .get("customer_id")
            .asString();
        shops.advance(shop, "P14DT1H");

        String page = signIn(shop, customerId).get("/portal/" + shop.accountId() + "/").body();

        assertThat(page).contains("past due", "Unpaid", "$19.00", "Update card to pay", "0341");
    }

    /**
     * What a promo code took off a plan's first installment is figured in numeric: a discount times a price of
     * hundreds of billions of minor units (a large plan in a currency of small units) passed a bigint, and the buyer's
     * overview answered 500.
     */
    @Test
    void aLargePlanBoughtWithAPromoCodeShowsWhatWasPaid() {
        var shop = shops.open();
        var product = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Villa", "options": [{"name": "2 payments", "kind": "payment_plan", "amount": 900000000000,
             "currency": "idr", "interval": "month", "installments": 2}]}""").json();
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Villa", "product_id": "%s"}""".formatted(product.get("id").asString())).json();
        var promo = api.post("/api/v1/promo_codes", shop.apiKey(), "{\"code\": \"HALF\", \"percent_off\": 50}");
        assertThat(promo.status()).as(promo.text()).isEqualTo(201);
        var order = api.post("/api/v1/checkouts/" + checkout.get("id").asString() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "promo_code": "HALF"}""".formatted(product.get("options").get(0).get("id").asString()));
        assertThat(order.status()).as(order.text()).isEqualTo(201);

        var page = signIn(shop, order.json().get("customer_id").asString()).get("/portal/" + shop.accountId() + "/");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("IDR 4,500,000,000.00");
    }

    /** Credit already spent on the invoice is not owed: the overview says what the next charge will ask. */
    @Test
    void theUnpaidBalanceLeavesOutCreditAppliedToTheInvoice() {
        var shop = shops.open();
        String customerId = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "cy@example.com")
            .get("customer_id")
            .asString();
        shops.advance(shop, "P14DT1H");
        var granted = api.post("/api/v1/customers/" + customerId + "/credits", shop.apiKey(),
            "{\"amount\": 500, \"currency\": \"usd\"}");
        assertThat(granted.status()).as(granted.text()).isEqualTo(201);
        String invoice = api.get("/api/v1/invoices?customer_id=" + customerId + "&status=issued", shop.apiKey())
            .json().get("data").get(0).get("id").asString();
        var applied = api.post("/api/v1/invoices/" + invoice + "/apply_credits", shop.apiKey(), "{}");
        assertThat(applied.status()).as(applied.text()).isEqualTo(200);

        String page = signIn(shop, customerId).get("/portal/" + shop.accountId() + "/").body();

        var owed = java.util.regex.Pattern.compile("<dt>Unpaid</dt>\\s*<dd><strong>([^<]+)</strong>").matcher(page);
        assertThat(owed.find()).as(page).isTrue();
        assertThat(owed.group(1)).isEqualTo("$14.00");
    }

    @Test
    void aFailedPaymentIsARowWithItsReasonNotALinkToNothing() {
        var shop = shops.open();
        String customerId = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "cy@example.com")
            .get("customer_id")
            .asString();
        shops.advance(shop, "P14DT1H");
        var browser = signIn(shop, customerId);

        for (String path : List.of("/", "/payments")) {
            String page = browser.get("/portal/" + shop.accountId() + path).body();

            assertThat(page).as(path).contains("Your card was declined.", "status-failed");
            assertThat(java.util.regex.Pattern.compile("<a(?![^>]*href=\"[^\"]+\")[^>]*>").matcher(page).results()
                .map(java.util.regex.MatchResult::group)).as(path + ": links to nowhere").isEmpty();
        }
    }

    @Test
    void canceledSubscriptionsShowUnderAllOnly() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "dee@example.com");
        String customerId = order.get("customer_id").asString();
        String subscription = api.get("/api/v1/subscriptions?customer_id=" + customerId, shop.apiKey()).json()
            .get("data")
            .get(0)
            .get("id")
            .asString();
        var canceled = api.post("/api/v1/subscriptions/" + subscription + "/cancel", shop.apiKey(), "{}");
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
        var browser = signIn(shop, customerId);

        String active = browser.get("/portal/" + shop.accountId() + "/").body();
        String all = browser.get("/portal/" + shop.accountId() + "/?show=all").body();

        assertThat(active).contains("You have no active subscriptions or payment plans.")
            .doesNotContain("Membership · Monthly");
        assertThat(all).contains("Membership · Monthly", "canceled");
    }

    @Test
    void aSessionEndsTwelveHoursAfterSignInHoweverBusy() {
        var shop = shops.open();
        String customerId = shops.buy(shop, shop.monthly(), "pm_card_visa", "eve@example.com")
            .get("customer_id")
            .asString();
        var browser = signIn(shop, customerId);
        String home = "/portal/" + shop.accountId() + "/";

        for (int hour = 0; hour < 12; hour++) {
            clock.passRealTime(Duration.ofMinutes(29));
            assertThat(browser.get(home).status()).isEqualTo(200);
            clock.passRealTime(Duration.ofMinutes(29));
            assertThat(browser.get(home).status()).isEqualTo(200);
        }
        clock.passRealTime(Duration.ofMinutes(25));

        assertThat(browser.get(home).status()).as("12 h 1 min after sign-in, seen 25 min ago").isEqualTo(302);
    }
}
