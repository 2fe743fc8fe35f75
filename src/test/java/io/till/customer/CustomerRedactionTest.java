package io.till.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.automation.AutomationAgenda;
import io.till.testing.Api;
import io.till.testing.Await;
import io.till.testing.LockWaits;
import io.till.testing.PersonalDataSearch;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import io.till.webhook.WebhookAgenda;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A buyer asks to be forgotten: the seller erases their personal data with one call, and nothing Till keeps still
 * holds it — not the customer, nor their orders, events, runs, tasks, mails or replayable answers — while the books and
 * the history stay whole, and other customers keep theirs.
 */
@TillIntegrationTest
class CustomerRedactionTest {

    /**
     * What is unique to this test's Zelda, in her surname, emails, address, phone and custom field, so that a sweep of
     * every table finds her values and no other test's.
     */
    private final String tag = letters(8);
    private final String surname = "Quux" + tag;
    private final String phone = "+1415" + digits(7);
    private final String postalCode = "OX9 " + letters(3).toUpperCase(java.util.Locale.ROOT);

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    JdbcClient db;
    @Autowired
    WebhookAgenda webhooks;
    @Autowired
    PlatformTransactionManager transactions;

    private record Store(Shops.Shop shop, String customer, String subscription, String order, String waitingRun,
        String neighbour) {}

    /**
     * Zelda buys a membership with a billing address, changes her email and phone, gets an email and a task from one
     * automation and waits in another; Zelda Smith, another customer of the store, shares her first name.
     */
    private Store zeldaWithHistory() {
        var shop = shops.open();
        var endpoint = api.post("/api/v1/webhook_endpoints", shop.apiKey(), """
            {"url": "https://hooks.example.com/till", "event_types": ["customer.updated", "customer.redacted"]}""");
        assertThat(endpoint.status()).as(endpoint.text()).isEqualTo(201);
        var order = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Zelda %1$s", "email": "zelda.first.%2$s@quux.example"}, "token": "pm_card_visa",
             "option_id": "%3$s", "billing_address": {"name": "Zelda %1$s", "line1": "17 %1$s Lane", "line2": "Flat 9",
             "city": "Ox%2$s", "postal_code": "%4$s", "region": "Oxfordshire", "country": "gb"}}"""
            .formatted(surname, tag, shop.monthly(), postalCode), "Idempotency-Key", "zelda-purchase");
        assertThat(order.status()).as(order.text()).isEqualTo(201);
        String customer = order.json().get("customer_id").asString();
        var changed = api.patch("/api/v1/customers/" + customer, shop.apiKey(), """
            {"email": "zelda.%1$s@quux.example", "phone": "%2$s", "tags": ["vip"],
             "metadata": {"crm_handle": "zq-handle-%1$s"}}""".formatted(tag, phone));
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        String neighbour = api.post("/api/v1/customers", shop.apiKey(), """
            {"name": "Zelda Smith", "email": "zelda.smith@smith.example"}""").json().get("id").asString();
        String mail = automation(shop, """
            [{"id": "mail", "type": "action", "action": "send_email",
              "params": {"to": "{{customer.email}}", "subject": "Hello {{customer.first_name}}",
                         "text": "Dear {{customer.name}}, we will call {{customer.phone}}."}},
             {"id": "call", "type": "action", "action": "create_task",
              "params": {"title": "Call {{customer.name}}", "notes": "Number: {{customer.phone}}"}},
             {"id": "zap", "type": "action", "action": "send_webhook",
              "params": {"url": "https://hooks.example.com/zap?email={{customer.email}}",
                         "payload": {"name": "{{customer.name}}"}}}]""");
        String wait = automation(shop, """
            [{"id": "later", "type": "delay", "duration": "P3D"},
             {"id": "mail", "type": "action", "action": "send_email",
              "params": {"to": "{{customer.email}}", "subject": "Still there, {{customer.first_name}}?",
                         "text": "Hi"}}]""");
        for (String who : List.of(customer, neighbour)) {
            run(shop, mail, who);
        }
        String waitingRun = run(shop, wait, customer);
        agenda.runDue();
        webhooks.runDue();
        return new Store(shop, customer, order.json().get("subscription_id").asString(),
            order.json().get("id").asString(), waitingRun, neighbour);
    }

    private String automation(Shops.Shop shop, String steps) {
        var created = api.post("/api/v1/automations", shop.apiKey(), """
            {"name": "Hello", "trigger": {"type": "manual"}, "steps": %s}""".formatted(steps));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", shop.apiKey(), null).status()).isEqualTo(200);
        return id;
    }

    private String run(Shops.Shop shop, String automation, String customer) {
        var run = api.post("/api/v1/automations/" + automation + "/run", shop.apiKey(), """
            {"customer_id": "%s"}""".formatted(customer));
        assertThat(run.status()).as(run.text()).isEqualTo(201);
        return run.json().get("id").asString();
    }

    private Api.Response redact(Store store) {
        return api.post("/api/v1/customers/" + store.customer() + "/redact", store.shop().apiKey(), null);
    }

    private void cancel(Store store) {
        var canceled = api.post("/api/v1/subscriptions/" + store.subscription() + "/cancel", store.shop().apiKey(),
            "{}");
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
    }

    /** A buyer asks what the seller keeps about them: one answer holds it all, and nobody else's. */
    @Test
    void theCustomersCopyHoldsWhatTillKeepsAboutThemAndNothingOfAnotherCustomer() {
        var store = zeldaWithHistory();
        String key = store.shop().apiKey();

        var copy = api.get("/api/v1/customers/" + store.customer() + "/personal_data", key);

        assertThat(copy.status()).as(copy.text()).isEqualTo(200);
        var records = copy.json().get("records");
        assertThat(copy.json().get("customer").get("email").asString()).isEqualTo("zelda." + tag + "@quux.example");
        assertThat(records.get("orders")).hasSize(1);
        var order = records.get("orders").get(0);
        assertThat(order.get("billing_name").asString()).isEqualTo("Zelda " + surname);
        assertThat(order.get("items").get(0).get("name").asString()).isNotBlank();
        assertThat(order.has("account_id")).isFalse();
        for (String list : List.of("subscriptions", "payments", "cards", "tasks", "automation_runs")) {
            assertThat(records.get(list)).as(list).isNotEmpty();
        }
        assertThat(records.get("invoices")).as("listed, if empty: the first payment had none").isNotNull();
        assertThat(records.get("events").toString()).contains("customer.updated", "zelda.first." + tag);
        assertThat(records.get("automation_actions").toString()).contains("Dear Zelda " + surname);
        assertThat(records.get("messages").toString()).contains("Hello Zelda");
        assertThat(copy.text()).doesNotContain("smith.example").doesNotContain("Zelda Smith");
        assertThat(api.get("/api/v1/customers/" + store.customer() + "/personal_data", shops.open().apiKey())
            .status()).isEqualTo(404);
    }

    @Test
    void whileASubscriptionStillBillsTheCustomerIsNotErasedAndTheAnswerNamesIt() {
        var store = zeldaWithHistory();

        var refused = redact(store);

        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.json().get("code").asString()).isEqualTo("invalid_state");
        assertThat(refused.json().get("detail").asString()).contains("subscription " + store.subscription()
            + " is active");
        var customer = api.get("/api/v1/customers/" + store.customer(), store.shop().apiKey()).json();
        assertThat(customer.get("email").asString()).isEqualTo("zelda." + tag + "@quux.example");
        assertThat(customer.get("redacted_at").isNull()).isTrue();
    }

    @Test
    void noTableKeepsAnyOfTheCustomersValuesOnceErased() {
        var store = zeldaWithHistory();
        cancel(store);
        // Before: the values are there to be found, so the sweep below can fail.
        assertThat(tablesHolding(surname)).contains("customers", "orders", "events", "webhook_deliveries",
            "execution_steps", "tasks", "dev_messages");

        var redacted = redact(store);

        assertThat(redacted.status()).as(redacted.text()).isEqualTo(200);
        for (String value : List.of(surname, "zelda." + tag, "zelda.first." + tag, phone.substring(1), "zq-handle-"
            + tag, "ox" + tag, postalCode)) {
            assertThat(tablesHolding(value)).as(value).isEmpty();
            assertThat(answersKeptForReplayHolding(store, value)).as(value).isZero();
        }
    }

    @Test
    void theRecordStaysForTheBooksWithItsPersonalDataReplaced() {
        var store = zeldaWithHistory();
        cancel(store);

        var redacted = redact(store).json();

        String key = store.shop().apiKey();
        assertThat(redacted.get("name").asString()).isEqualTo("[redacted]");
        assertThat(redacted.get("email").asString()).isEqualTo(store.customer() + "@redacted.invalid");
        assertThat(redacted.get("phone").isNull()).isTrue();
        assertThat(redacted.get("tags")).isEmpty();
        assertThat(redacted.get("metadata")).isEmpty();
        assertThat(redacted.get("default_card").isNull()).isTrue();
        assertThat(redacted.get("redacted_at").isNull()).isFalse();
        var order = api.get("/api/v1/orders/" + store.order(), key).json();
        assertThat(order.get("status").asString()).isEqualTo("paid");
        assertThat(order.get("billing_address").get("country").asString()).isEqualTo("GB");
        assertThat(order.get("billing_address").get("line1").isNull()).isTrue();
        var record = api.get("/api/v1/customers/" + store.customer(), key).json();
        assertThat(record.get("stats").get("order_count").asLong()).isEqualTo(1);
        assertThat(api.get(Shops.cards(store.customer()), key).json().get("data")).isEmpty();
        assertThat(api.get("/api/v1/customers?query=" + tag, key).json().get("data")).isEmpty();
        // The rendered email reads as it was sent, its person gone.
        var mail = db.sql("""
            SELECT subject, text_body FROM dev_messages WHERE account_id = :accountId AND to_address = '[redacted]'
            """)
            .param("accountId", store.shop().accountId())
            .query((rs, row) -> rs.getString("subject") + " / " + rs.getString("text_body")).list();
        assertThat(mail).anySatisfy(text -> assertThat(text).contains("Hello [redacted]")
            .contains("Dear [redacted], we will call [redacted]."));
    }

    @Test
    void itsRunsStillWaitingAreCanceledAndOtherCustomersKeepTheirs() {
        var store = zeldaWithHistory();
        cancel(store);

        redact(store);

        String key = store.shop().apiKey();
        assertThat(api.get("/api/v1/executions/" + store.waitingRun(), key).json().get("status").asString())
            .isEqualTo("canceled");
        var neighbour = api.get("/api/v1/customers/" + store.neighbour(), key).json();
        assertThat(neighbour.get("name").asString()).isEqualTo("Zelda Smith");
        var neighbourMail = db.sql("""
            SELECT subject FROM dev_messages WHERE account_id = :accountId AND to_address = 'zelda.smith@smith.example'
            """)
            .param("accountId", store.shop().accountId())
            .query(String.class)
            .list();
        assertThat(neighbourMail).containsExactly("Hello Zelda");
    }

    @Test
    void erasingTwiceAnswersTheSameAndAnErasedCustomerTakesNoNewData() {
        var store = zeldaWithHistory();
        cancel(store);
        var first = redact(store).json();

        var again = redact(store);
        var change = api.patch("/api/v1/customers/" + store.customer(), store.shop().apiKey(), """
            {"name": "Zelda Again"}""");
        var portal = api.post("/api/v1/portal_sessions", store.shop().apiKey(), """
            {"customer_id": "%s"}""".formatted(store.customer()));

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("redacted_at")).isEqualTo(first.get("redacted_at"));
        assertThat(change.status()).as(change.text()).isEqualTo(409);
        assertThat(change.json().get("detail").asString()).contains("erased");
        assertThat(portal.status()).as(portal.text()).isEqualTo(409);
        var redactions = shops.events(store.shop(), store.customer()).stream()
            .filter(event -> event.get("type").asString().equals("customer.redacted")).toList();
        assertThat(redactions).hasSize(1);
        assertThat(redactions.getFirst().get("data").get("customer").get("name").asString()).isEqualTo("[redacted]");
    }

    @Test
    void anErasedCustomerIsNeitherChargedNorGivenACardAgain() {
        var store = zeldaWithHistory();
        cancel(store);
        redact(store);

        var purchase = api.post("/api/v1/checkouts/" + store.shop().checkoutId() + "/purchases",
            store.shop().apiKey(), """
                {"customer_id": "%s", "token": "pm_card_visa", "option_id": "%s"}"""
                .formatted(store.customer(), store.shop().monthly()));
        var card = api.post(Shops.cards(store.customer()), store.shop().apiKey(), """
            {"token": "pm_card_mastercard"}""");

        assertThat(purchase.status()).as(purchase.text()).isEqualTo(409);
        assertThat(purchase.json().get("detail").asString()).contains("erased", "add the buyer as a new customer");
        assertThat(card.status()).as(card.text()).isEqualTo(409);
        var orders = api.get("/api/v1/orders?customer_id=" + store.customer(), store.shop().apiKey()).json();
        assertThat(orders.get("data")).as("only the order from before the erasure").hasSize(1);
    }

    /**
     * A purchase with a saved card, already past its checks when the erasure is asked: the two come one after the
     * other, never interleaved. A probe found the erasure finishing around a purchase that had read the customer's
     * card before it: the new order, its billing address and the subscription it started outlived the erasure.
     */
    @Test
    void aPurchaseUnderWayWhenTheErasureIsAskedIsNeverLeftWithTheErasedCustomersData() throws Exception {
        var store = zeldaWithHistory();
        cancel(store);
        String card = shops.saveCard(store.shop(), store.customer(), "pm_card_mastercard");
        String street = "99 Late" + tag + " Street";

        var both = new TransactionTemplate(transactions).execute(status -> {
            // The account's order numbers, held: the purchase waits there, the last step before its order is written.
            db.sql("SELECT last_number FROM order_numbers WHERE account_id = :accountId FOR UPDATE")
                .param("accountId", store.shop().accountId())
                .query()
                .listOfRows();
            var buying = CompletableFuture.supplyAsync(() -> api.post("/api/v1/checkouts/"
                + store.shop().checkoutId() + "/purchases", store.shop().apiKey(),
                """
                    {"customer_id": "%s", "payment_method_id": "%s", "option_id": "%s",
                     "billing_address": {"line1": "%s", "city": "Oxford", "country": "GB"}}"""
                    .formatted(store.customer(), card, store.shop().monthly(), street)));
            Await.until("the purchase waits for its order number", () -> LockWaits.in(db, "order_numbers") > 0);
            var erasing = CompletableFuture.supplyAsync(() -> redact(store));
            Await.until("the erasure waits for the purchase",
                () -> LockWaits.in(db, "customers") + LockWaits.in(db, "cards") > 0);
            return List.of(buying, erasing);
        });
        var purchase = both.get(0).get(30, TimeUnit.SECONDS);
        var erasure = both.get(1).get(30, TimeUnit.SECONDS);

        assertThat(purchase.status()).as(purchase.text()).isEqualTo(201);
        if (erasure.status() == 200) {
            assertThat(tablesHolding(street)).as("erased after the purchase, with it").isEmpty();
            assertThat(api.get("/api/v1/subscriptions?customer_id=" + store.customer(), store.shop().apiKey()).json()
                .get("data").valueStream().map(s -> s.get("status").asString()))
                .as("nothing still bills an erased customer").containsOnly("canceled");
        } else {
            assertThat(erasure.status()).as(erasure.text()).isEqualTo(409);
            assertThat(erasure.json().get("detail").asString()).contains("cannot be erased while");
            var customer = api.get("/api/v1/customers/" + store.customer(), store.shop().apiKey()).json();
            assertThat(customer.get("redacted_at").isNull()).as("refused as a whole").isTrue();
            assertThat(tablesHolding(street)).contains("orders");
        }
    }

    /**
     * A probe erased Doris Day and found her subscription's status, its interval and the product's name erased with
     * her, and what staff wrote about her (a refund's and a credit's reason, a notification to the shop) and her own
     * words in the cancellation's event kept.
     */
    @Test
    void whatStaffWroteAboutTheBuyerGoesWhileTillsWordsAndTheSellersNamesStay() {
        var shop = shops.open();
        String key = shop.apiKey();
        String first = "Dóris" + tag;
        // "Membership" and "Monthly" are the shop's product and option.
        var bought = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", key, """
            {"customer": {"name": "%s Membership", "email": "doris.%s@quux.example"}, "token": "pm_card_visa",
             "option_id": "%s"}""".formatted(first, tag, shop.monthly()));
        assertThat(bought.status()).as(bought.text()).isEqualTo(201);
        String customer = bought.json().get("customer_id").asString();
        assertThat(api.patch("/api/v1/customers/" + customer, key, """
            {"metadata": {"lifecycle": "active", "plan": "paid"}}""").status()).isEqualTo(200);
        String notify = automation(shop, """
            [{"id": "tell", "type": "action", "action": "send_email",
              "params": {"to": "staff@shop.example", "subject": "Lead {{customer.name}}",
                         "text": "{{customer.email}}", "html": "<p>{{customer.first_name}} bought</p>"}}]""");
        run(shop, notify, customer);
        agenda.runDue();
        var refund = api.post("/api/v1/refunds", key, """
            {"payment_id": "%s", "amount": 100, "reason": "%s asked by phone"}"""
            .formatted(bought.json().get("payment_id").asString(), first));
        assertThat(refund.status()).as(refund.text()).isEqualTo(201);
        var credit = api.post("/api/v1/customers/" + customer + "/credits", key, """
            {"amount": 500, "currency": "usd", "reason": "Goodwill for %s"}""".formatted(first));
        assertThat(credit.status()).as(credit.text()).isEqualTo(201);
        var canceled = api.post("/api/v1/subscriptions/" + bought.json().get("subscription_id").asString()
            + "/cancel", key, """
                {"reason": "too_expensive", "reason_text": "I am %s and I need a break"}""".formatted(first));
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);

        var erased = api.post("/api/v1/customers/" + customer + "/redact", key, null);

        assertThat(erased.status()).as(erased.text()).isEqualTo(200);
        assertThat(tablesHolding(first)).isEmpty();
        String decomposed = java.text.Normalizer.normalize(first, java.text.Normalizer.Form.NFD);
        assertThat(tablesHolding(decomposed)).isEmpty();
        var events = shops.events(shop, customer);
        var subscriptionEvents = events.stream().filter(event -> event.get("data").has("subscription")).toList();
        assertThat(subscriptionEvents).isNotEmpty().allSatisfy(event -> {
            var subscription = event.get("data").get("subscription");
            assertThat(subscription.get("status").asString()).isNotEqualTo("[redacted]");
            assertThat(subscription.toString()).doesNotContain("I need a break");
        });
        assertThat(events.toString()).contains("\"interval\":\"month\"", "Membership — Monthly")
            .doesNotContain("I need a break");
        var order = api.get("/api/v1/orders/" + bought.json().get("id").asString(), key).json();
        assertThat(order.get("items").get(0).get("name").asString()).isEqualTo("Membership — Monthly");
        assertThat(order.get("status").asString()).isEqualTo("paid");
        var refunds = api.get("/api/v1/refunds?customer_id=" + customer, key).json().get("data");
        assertThat(refunds.get(0).get("reason").asString()).isEqualTo("[redacted] asked by phone");
        var entries = api.get("/api/v1/customers/" + customer + "/credits/entries", key).json().get("data");
        assertThat(entries.toString()).contains("Goodwill for [redacted]");
        var mail = db.sql("""
            SELECT subject || ' / ' || text_body || ' / ' || html_body FROM dev_messages
             WHERE account_id = :accountId AND to_address = 'staff@shop.example'""")
            .param("accountId", shop.accountId())
            .query(String.class)
            .single();
        assertThat(mail).startsWith("Lead [redacted] / [redacted]").contains("<p>[redacted] bought</p>")
            .doesNotContain(first).doesNotContain("doris.");
    }

    /**
     * A reviewer erased one customer and found another customer's mail rewritten with all her values because it named
     * the same town: "Hello Zelda" to Zelda Smith lost its name. A row that is not hers is found only by what identifies
     * her, and loses only that.
     */
    @Test
    void anotherCustomersMailKeepsItsWordsAndLosesOnlyWhatIdentifiesTheErasedCustomer() {
        var store = zeldaWithHistory();
        String town = "Ox" + tag;
        String regards = automation(store.shop(), """
            [{"id": "mail", "type": "action", "action": "send_email",
              "params": {"to": "{{customer.email}}", "subject": "Regards, {{customer.first_name}}",
                         "text": "Zelda %1$s of %2$s sends her regards."}}]""".formatted(surname, town));
        String town2 = automation(store.shop(), """
            [{"id": "mail", "type": "action", "action": "send_email",
              "params": {"to": "{{customer.email}}", "subject": "See you, {{customer.first_name}}",
                         "text": "Hi {{customer.first_name}}, see you in %s."}}]""".formatted(town));
        run(store.shop(), regards, store.neighbour());
        run(store.shop(), town2, store.neighbour());
        agenda.runDue();
        cancel(store);

        assertThat(redact(store).status()).isEqualTo(200);

        var mails = db.sql("""
            SELECT subject || ' / ' || split_part(text_body, E'\n', 1) FROM dev_messages
             WHERE account_id = :accountId AND to_address = 'zelda.smith@smith.example' ORDER BY subject""")
            .param("accountId", store.shop().accountId())
            .query(String.class)
            .list();
        assertThat(mails).containsExactly("Hello Zelda / Dear Zelda Smith, we will call .",
            "Regards, Zelda / [redacted] of [redacted] sends her regards.",
            "See you, Zelda / Hi Zelda, see you in " + town + ".");
    }

    /**
     * A reviewer found three ways a value outlived the erasure: a username in a custom field (plain letters were taken
     * for a flag), an email a seller posted under an event's {@code user_id} (a key named like an id was kept whatever
     * it held), and a first name that the seller's catalog also uses ("Hi Fen," stayed because a product is "Fen Pass").
     */
    @Test
    void aUsernameAnEmailUnderAnIdsKeyAndANameTheCatalogUsesGoTooWhileTheCatalogKeepsItsName() {
        var shop = shops.open();
        String key = shop.apiKey();
        String first = "Fen" + tag;
        var product = api.post("/api/v1/products", key, """
            {"name": "%s Pass", "options": [{"name": "Once", "kind": "one_time", "amount": 900, "currency": "usd"}]}"""
            .formatted(first));
        assertThat(product.status()).as(product.text()).isEqualTo(201);
        var created = api.post("/api/v1/customers", key, """
            {"name": "%s %s", "email": "fen.%s@quux.example",
             "metadata": {"username": "byron%s", "lifecycle": "active"}}""".formatted(first, surname, tag, tag));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String customer = created.json().get("id").asString();
        var posted = api.post("/api/v1/events", key, """
            {"type": "shop.signed_up", "customer_id": "%s", "data": {"user_id": "fen.%s@quux.example"}}"""
            .formatted(customer, tag));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        assertThat(api.post("/api/v1/customers/" + customer + "/credits", key, """
            {"amount": 500, "currency": "usd", "reason": "Goodwill for byron%s"}""".formatted(tag)).status())
            .isEqualTo(201);
        String mail = automation(shop, """
            [{"id": "mail", "type": "action", "action": "send_email",
              "params": {"to": "{{customer.email}}", "subject": "Hi {{customer.first_name}}",
                         "text": "Your %s Pass is ready."}}]""".formatted(first));
        run(shop, mail, customer);
        agenda.runDue();
        assertThat(tablesHolding("byron" + tag)).isNotEmpty();
        assertThat(tablesHolding("hi " + first)).isNotEmpty();

        var erased = api.post("/api/v1/customers/" + customer + "/redact", key, null);

        assertThat(erased.status()).as(erased.text()).isEqualTo(200);
        assertThat(tablesHolding("byron" + tag)).isEmpty();
        assertThat(tablesHolding("fen." + tag)).isEmpty();
        assertThat(tablesHolding("hi " + first)).isEmpty();
        assertThat(tablesHolding("\"" + first + "\"")).as("a run's first_name").isEmpty();
        assertThat(tablesHolding(first + " pass")).contains("products", "dev_messages");
        var events = shops.events(shop, customer);
        assertThat(events.toString()).contains("\"type\":\"shop.signed_up\"", "\"customer_id\":\"" + customer);
    }

    /** The copy of a buyer's data holds the messages sent to an address they had before they changed it. */
    @Test
    void theCopyHoldsMessagesSentToAnEarlierAddress() {
        var shop = shops.open();
        String key = shop.apiKey();
        var created = api.post("/api/v1/customers", key, """
            {"name": "Ida %s", "email": "ida.before.%s@quux.example"}""".formatted(surname, tag));
        String customer = created.json().get("id").asString();
        String mail = automation(shop, """
            [{"id": "mail", "type": "action", "action": "send_email",
              "params": {"to": "{{customer.email}}", "subject": "Welcome {{customer.first_name}}", "text": "Hi"}}]""");
        run(shop, mail, customer);
        agenda.runDue();
        assertThat(api.patch("/api/v1/customers/" + customer, key, """
            {"email": "ida.after.%s@quux.example"}""".formatted(tag)).status()).isEqualTo(200);

        var copy = api.get("/api/v1/customers/" + customer + "/personal_data", key).json();

        assertThat(copy.get("records").get("messages").toString()).contains("ida.before." + tag, "Welcome Ida");
    }

    /**
     * An address Ida gave up and Bob then took is Bob's: Ida's copy never holds Bob's mail (a sign-in link among it),
     * and erasing Ida leaves it whole. A review found both, found by Ida's earlier email.
     */
    @Test
    void anAddressAnotherCustomerTookSinceIsTheirsNeitherCopiedNorErasedWithTheFirst() {
        var shop = shops.open();
        String key = shop.apiKey();
        String taken = "ida.before." + tag + "@quux.example";
        String ida = api.post("/api/v1/customers", key, """
            {"name": "Ida %s", "email": "%s"}""".formatted(surname, taken)).json().get("id").asString();
        assertThat(api.patch("/api/v1/customers/" + ida, key, """
            {"email": "ida.after.%s@quux.example"}""".formatted(tag)).status()).isEqualTo(200);
        var bob = api.post("/api/v1/customers", key, """
            {"name": "Bob Other", "email": "%s", "metadata": {"utm_source": "newsletter"}}""".formatted(taken));
        assertThat(bob.status()).as(bob.text()).isEqualTo(201);
        assertThat(api.patch("/api/v1/customers/" + ida, key, """
            {"metadata": {"utm_source": "newsletter"}}""").status()).isEqualTo(200);
        String mail = automation(shop, """
            [{"id": "mail", "type": "action", "action": "send_email",
              "params": {"to": "{{customer.email}}", "subject": "Welcome {{customer.first_name}}",
                         "text": "You came from our newsletter."}}]""");
        run(shop, mail, bob.json().get("id").asString());
        agenda.runDue();

        var copy = api.get("/api/v1/customers/" + ida + "/personal_data", key).json();
        assertThat(copy.get("records").get("messages").toString()).doesNotContain("Welcome Bob");
        assertThat(api.post("/api/v1/customers/" + ida + "/redact", key, null).status()).isEqualTo(200);

        assertThat(db.sql("""
            SELECT to_address || ' / ' || subject || ' / ' || split_part(text_body, E'\n', 1) FROM dev_messages
             WHERE account_id = :accountId""")
            .param("accountId", shop.accountId())
            .query(String.class)
            .list()).containsExactly(taken + " / Welcome Bob / You came from our newsletter.");
    }

    /**
     * A reviewer's: another customer's custom field holding this customer's address (who referred them) set the
     * address aside as another customer's, and the erasure left the mail sent to it whole.
     */
    @Test
    void theCustomersOwnAddressGoesThoughAnotherCustomersFieldMentionsIt() {
        var shop = shops.open();
        String key = shop.apiKey();
        String address = "zq." + tag + "@mail.example";
        String zelda = api.post("/api/v1/customers", key, """
            {"name": "Zelda %s", "email": "%s"}""".formatted(surname, address)).json().get("id").asString();
        var bob = api.post("/api/v1/customers", key, """
            {"name": "Bob Other", "email": "bob.%s@x.example", "metadata": {"referred_by": "%s"}}"""
            .formatted(tag, address));
        assertThat(bob.status()).as(bob.text()).isEqualTo(201);
        String mail = automation(shop, """
            [{"id": "mail", "type": "action", "action": "send_email",
              "params": {"to": "{{customer.email}}", "subject": "Welcome {{customer.first_name}}", "text": "Hi"}}]""");
        run(shop, mail, zelda);
        agenda.runDue();
        assertThat(api.get("/api/v1/customers/" + zelda + "/personal_data", key).json().get("records")
            .get("messages").toString()).contains(address);

        assertThat(api.post("/api/v1/customers/" + zelda + "/redact", key, null).status()).isEqualTo(200);

        assertThat(db.sql("SELECT to_address FROM dev_messages WHERE account_id = :accountId")
            .param("accountId", shop.accountId())
            .query(String.class)
            .list()).containsExactly("[redacted]");
    }

    /** As for their address now, so for one they had: mentioned in another's field, it is still theirs to erase. */
    @Test
    void theCustomersEarlierAddressGoesThoughAnotherCustomersFieldMentionsIt() {
        var shop = shops.open();
        String key = shop.apiKey();
        String before = "zq.before." + tag + "@mail.example";
        String zelda = api.post("/api/v1/customers", key, """
            {"name": "Zelda %s", "email": "%s"}""".formatted(surname, before)).json().get("id").asString();
        String mail = automation(shop, """
            [{"id": "mail", "type": "action", "action": "send_email",
              "params": {"to": "{{customer.email}}", "subject": "Welcome {{customer.first_name}}", "text": "Hi"}}]""");
        run(shop, mail, zelda);
        agenda.runDue();
        assertThat(api.patch("/api/v1/customers/" + zelda, key, """
            {"email": "zq.after.%s@mail.example"}""".formatted(tag)).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/customers", key, """
            {"name": "Bob Other", "email": "bob.%s@x.example", "metadata": {"referred_by": "%s"}}"""
            .formatted(tag, before)).status()).isEqualTo(201);

        assertThat(api.post("/api/v1/customers/" + zelda + "/redact", key, null).status()).isEqualTo(200);

        assertThat(db.sql("SELECT to_address FROM dev_messages WHERE account_id = :accountId")
            .param("accountId", shop.accountId())
            .query(String.class)
            .list()).containsExactly("[redacted]");
    }

    /**
     * A reviewer's: an address in a custom field (the buyer's account manager at the shop) counted as the buyer's
     * own, so their copy held every alert sent to it about other buyers. Mail to it is not theirs; mail that mentions
     * them is.
     */
    @Test
    void theCopyLeavesOutMailToAnAddressThatIsOnlyInACustomField() {
        var shop = shops.open();
        String key = shop.apiKey();
        String manager = "jane." + tag + "@seller.example";
        String ada = api.post("/api/v1/customers", key, """
            {"name": "Ada %s", "email": "ada.%s@quux.example", "metadata": {"account_manager": "%s"}}"""
            .formatted(surname, tag, manager)).json().get("id").asString();
        String bob = api.post("/api/v1/customers", key, """
            {"name": "Bob Other", "email": "bob.%s@x.example"}""".formatted(tag)).json().get("id").asString();
        String alert = automation(shop, """
            [{"id": "alert", "type": "action", "action": "send_email",
              "params": {"to": "%s", "subject": "New customer {{customer.name}}", "text": "{{customer.email}}"}}]"""
            .formatted(manager));
        run(shop, alert, bob);
        run(shop, alert, ada);
        agenda.runDue();

        String messages = api.get("/api/v1/customers/" + ada + "/personal_data", key).json().get("records")
            .get("messages").toString();

        assertThat(messages).doesNotContain("Bob Other");
    }

    /** A reviewer's: a custom field's value the customer had before a change stayed in the mail that showed it. */
    @Test
    void aCustomFieldsEarlierValueGoesWithTheErasureLikeItsValueNow() {
        var shop = shops.open();
        String key = shop.apiKey();
        String before = "zq-" + tag + "-4411";
        String customer = api.post("/api/v1/customers", key, """
            {"name": "Quinn %s", "email": "quinn.%s@quux.example", "metadata": {"member_no": "%s"}}"""
            .formatted(surname, tag, before)).json().get("id").asString();
        String mail = automation(shop, """
            [{"id": "mail", "type": "action", "action": "send_email",
              "params": {"to": "{{customer.email}}", "subject": "Your card",
                         "text": "Your member number is {{customer.metadata.member_no}}."}}]""");
        run(shop, mail, customer);
        agenda.runDue();
        assertThat(api.patch("/api/v1/customers/" + customer, key, """
            {"metadata": {"member_no": "zq-%s-9000"}}""".formatted(tag)).status()).isEqualTo(200);
        assertThat(tablesHolding(before)).contains("dev_messages");

        assertThat(api.post("/api/v1/customers/" + customer + "/redact", key, null).status()).isEqualTo(200);

        assertThat(tablesHolding(before)).isEmpty();
    }

    /**
     * A reviewer's: an upsell that starts with a free trial charges nothing, so nothing asked whether its buyer had
     * been erased since the order: it started a subscription for them, dunned when the trial ended.
     */
    @Test
    void anErasedBuyerCannotTakeUpAFreeTrialUpsellOfTheirOrder() {
        var shop = shops.open();
        String key = shop.apiKey();
        var course = api.post("/api/v1/products", key, """
            {"name": "Course", "options": [{"name": "Once", "kind": "one_time", "amount": 4900, "currency": "usd"}]}
            """).json();
        var checkout = api.post("/api/v1/checkouts", key, """
            {"name": "Course", "product_id": "%s", "upsells": [{"name": "Try the membership", "option_id": "%s"}]}"""
            .formatted(course.get("id").asString(), shop.trial())).json();
        var order = api.post("/api/v1/checkouts/" + checkout.get("id").asString() + "/purchases", key, """
            {"customer": {"name": "Una %s", "email": "una.%s@quux.example"}, "token": "pm_card_visa",
             "option_id": "%s"}""".formatted(surname, tag, course.get("options").get(0).get("id").asString()));
        assertThat(order.status()).as(order.text()).isEqualTo(201);
        String customer = order.json().get("customer_id").asString();
        assertThat(api.post("/api/v1/customers/" + customer + "/redact", key, null).status()).isEqualTo(200);

        var accepted = api.post("/api/v1/orders/" + order.json().get("id").asString() + "/upsells/"
            + checkout.get("upsells").get(0).get("id").asString() + "/accept", key, null);

        assertThat(accepted.status()).as(accepted.text()).isEqualTo(409);
        assertThat(api.get("/api/v1/subscriptions?customer_id=" + customer, key).json().get("data")).isEmpty();
    }

    /**
     * The record of a receipt's email, kept so that it goes once, names its recipient: a review found it outliving the
     * erasure, the buyer's address in it for good.
     */
    @Test
    void theRecordOfAReceiptsEmailLosesTheBuyersAddressWithTheErasure() {
        var shop = shops.open();
        var settings = api.send("PUT", "/api/v1/portal_settings", shop.apiKey(), """
            {"receipt_emails": {"initial_order": true}}""", List.of("Content-Type", "application/json"));
        assertThat(settings.status()).as(settings.text()).isEqualTo(200);
        String email = "rita." + tag + "@quux.example";
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", email);
        Await.until("the receipt is emailed", () -> db.sql("""
            SELECT count(*) FROM message_sends
             WHERE account_id = :accountId AND idempotency_key LIKE 'receipt:%' AND status = 'sent'""")
            .param("accountId", shop.accountId())
            .query(Long.class)
            .single() == 1);
        assertThat(tablesHolding("rita." + tag)).contains("message_sends");
        assertThat(api.post("/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/cancel",
            shop.apiKey(), null).status()).isEqualTo(200);

        var erased = api.post("/api/v1/customers/" + order.get("customer_id").asString() + "/redact", shop.apiKey(),
            null);

        assertThat(erased.status()).as(erased.text()).isEqualTo(200);
        assertThat(tablesHolding("rita." + tag)).isEmpty();
    }

    @Test
    void aRunForAnErasedCustomerSendsThemNoEmailAndSaysWhy() {
        var store = zeldaWithHistory();
        cancel(store);
        redact(store);
        String mail = automation(store.shop(), """
            [{"id": "mail", "type": "action", "action": "send_email",
              "params": {"to": "{{customer.email}}", "subject": "Hello", "text": "Hi"}}]""");

        String run = run(store.shop(), mail, store.customer());
        agenda.runDue();

        var execution = api.get("/api/v1/executions/" + run, store.shop().apiKey()).json();
        assertThat(execution.get("status").asString()).isEqualTo("failed");
        assertThat(execution.get("error").toString()).contains("can never receive mail");
        long sent = db.sql("SELECT count(*) FROM dev_messages WHERE account_id = :accountId AND to_address LIKE "
            + "'%redacted.invalid'")
            .param("accountId", store.shop().accountId())
            .query(Long.class)
            .single();
        assertThat(sent).isZero();
    }

    private List<String> tablesHolding(String value) {
        return PersonalDataSearch.tablesHolding(db, value);
    }

    /** Answers kept for replays (bytes, which a table's text shows in hex) that hold the value. */
    private long answersKeptForReplayHolding(Store store, String value) {
        return db.sql("""
            SELECT count(*) FROM idempotency_keys
             WHERE account_id = :accountId
               AND strpos(lower(convert_from(response_body, 'UTF8')), :value) > 0
            """)
            .param("accountId", store.shop().accountId())
            .param("value", value.toLowerCase(java.util.Locale.ROOT))
            .query(Long.class)
            .single();
    }

    private static String letters(int count) {
        return PersonalDataSearch.letters(count);
    }

    private static String digits(int count) {
        var random = java.util.concurrent.ThreadLocalRandom.current();
        var text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(random.nextInt(10));
        }
        return text.toString();
    }
}
