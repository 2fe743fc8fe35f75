package io.till.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TillIntegrationTest
class TasksApiTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    Shops shops;

    @Test
    void createsListsAndCompletesTasks() {
        var store = accounts.create();

        var created = api.post("/api/v1/tasks", store.apiKey(), """
            {"title": "Call Ada about the failed payment", "assignee": "ops@example.com"}""");
        String id = created.json().get("id").asString();
        var open = api.get("/api/v1/tasks?status=open", store.apiKey()).json().get("data");
        var done = api.post("/api/v1/tasks/" + id + "/complete", store.apiKey(), null);
        var again = api.post("/api/v1/tasks/" + id + "/complete", store.apiKey(), null);

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(id).startsWith("task_");
        assertThat(open).hasSize(1);
        assertThat(done.json().get("status").asString()).isEqualTo("done");
        assertThat(again.status()).isEqualTo(409);
        assertThat(api.get("/api/v1/tasks?status=open", store.apiKey()).json().get("data")).isEmpty();
    }

    /** Of 16 completions at once, one does it and the others are told it is done: no check-then-write race. */
    @Test
    void completesATaskOnceWhenManyAskAtTheSameMoment() throws Exception {
        var store = accounts.create();
        String id = api.post("/api/v1/tasks", store.apiKey(), "{\"title\": \"Call Ada\"}").json().get("id")
            .asString();
        var start = new java.util.concurrent.CountDownLatch(1);
        var statuses = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 16; i++) {
                statuses.add(pool.submit(() -> {
                    start.await();
                    return api.post("/api/v1/tasks/" + id + "/complete", store.apiKey(), null).status();
                }));
            }
            start.countDown();
        }
        var answers = new java.util.ArrayList<Integer>();
        for (var status : statuses) {
            answers.add(status.get());
        }

        assertThat(answers).filteredOn(status -> status == 200).hasSize(1);
        assertThat(answers).filteredOn(status -> status == 409).hasSize(15);
    }

    /** A task's assignee is someone to write to; its notes are notes, not megabytes. */
    @Test
    void refusesAnAssigneeThatIsNoEmailAndNotesBeyondTenThousandCharacters() {
        var store = accounts.create();

        var nobody = api.post("/api/v1/tasks", store.apiKey(), "{\"title\": \"Call\", \"assignee\": \"anyone\"}");
        var essay = api.post("/api/v1/tasks", store.apiKey(), "{\"title\": \"Call\", \"notes\": \""
            + "n".repeat(10_001) + "\"}");
        var fine = api.post("/api/v1/tasks", store.apiKey(), "{\"title\": \"Call\", \"notes\": \""
            + "n".repeat(10_000) + "\", \"assignee\": \"ops@example.com\"}");

        assertThat(nobody.status()).isEqualTo(400);
        assertThat(nobody.json().get("errors").get(0).get("field").asString()).isEqualTo("assignee");
        assertThat(essay.status()).isEqualTo(400);
        assertThat(essay.json().get("errors").get(0).get("field").asString()).isEqualTo("notes");
        assertThat(fine.status()).as(fine.text()).isEqualTo(201);
        assertThat(api.get("/api/v1/tasks", store.apiKey()).json().get("data")).hasSize(1);
    }

    @Test
    void refusesATaskWithoutATitleAndHidesOtherAccountsTasks() {
        var store = accounts.create();
        var other = accounts.create();
        String id = api.post("/api/v1/tasks", store.apiKey(), "{\"title\": \"Mine\"}").json().get("id").asString();

        var untitled = api.post("/api/v1/tasks", store.apiKey(), "{\"title\": \" \"}");
        var strangers = api.post("/api/v1/tasks", other.apiKey(), "{\"title\": \"Hm\", \"customer_id\": \"cus_nope\"}");

        assertThat(untitled.status()).isEqualTo(400);
        assertThat(untitled.json().get("errors").get(0).get("field").asString()).isEqualTo("title");
        assertThat(strangers.status()).isEqualTo(400);
        assertThat(api.get("/api/v1/tasks/" + id, other.apiKey()).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/tasks", other.apiKey()).json().get("data")).isEmpty();
        assertThat(api.get("/api/v1/tasks?status=later", store.apiKey()).status()).isEqualTo(400);
        // Blank is no filter, on these lists as on every other.
        assertThat(api.get("/api/v1/tasks?status=", store.apiKey()).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/executions?status=", store.apiKey()).status()).isEqualTo(200);
    }

    /**
     * A task about one customer cannot name another's invoice (staff would call Ada about Bob's debt, shown beside her
     * name); a title too long says so, not that it is missing.
     */
    @Test
    void refusesAnInvoiceOfAnotherCustomerAndSaysATitleIsTooLong() {
        var shop = shops.open();
        String ada = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com").get("customer_id").asString();
        String bob = shops.buy(shop, shop.monthly(), "pm_card_visa", "bob@example.com").get("customer_id").asString();
        assertThat(shops.advance(shop, "P32D").status()).as("the renewals make invoices").isEqualTo(200);
        String bobsInvoice = api.get("/api/v1/invoices?customer_id=" + bob, shop.apiKey()).json().get("data").get(0)
            .get("id").asString();

        var crossed = api.post("/api/v1/tasks", shop.apiKey(), """
            {"title": "Call about the invoice", "customer_id": "%s", "invoice_id": "%s"}""".formatted(ada,
            bobsInvoice));
        var long_ = api.post("/api/v1/tasks", shop.apiKey(), "{\"title\": \"" + "x".repeat(501) + "\"}");
        var bobs = api.post("/api/v1/tasks", shop.apiKey(), """
            {"title": "Call about the invoice", "customer_id": "%s", "invoice_id": "%s"}""".formatted(bob,
            bobsInvoice));

        assertThat(crossed.status()).as(crossed.text()).isEqualTo(400);
        assertThat(crossed.json().get("errors").get(0).get("code").asString()).isEqualTo("not_theirs");
        assertThat(long_.status()).isEqualTo(400);
        assertThat(long_.json().get("errors").get(0).get("code").asString()).isEqualTo("too_long");
        assertThat(bobs.status()).as(bobs.text()).isEqualTo(201);
        // One about the invoice alone is about its customer, and listed under them.
        var invoiceOnly = api.post("/api/v1/tasks", shop.apiKey(), """
            {"title": "Chase the invoice", "invoice_id": "%s"}""".formatted(bobsInvoice));
        assertThat(invoiceOnly.status()).as(invoiceOnly.text()).isEqualTo(201);
        assertThat(invoiceOnly.json().get("customer_id").asString()).isEqualTo(bob);
        assertThat(api.get("/api/v1/tasks?customer_id=" + bob, shop.apiKey()).text()).contains("Chase the invoice");
        // So is any id in a body that names nothing (README, Errors): usage for no such subscription too.
        var usage = api.post("/api/v1/usage", shop.apiKey(), """
            {"subscription_id": "sub_doesnotexist", "quantity": 1}""");
        assertThat(usage.status()).as(usage.text()).isEqualTo(400);
        assertThat(usage.json().get("errors").get(0).get("code").asString()).isEqualTo("not_found");
    }

    /** A probe's due_at 1e300 was stored as 1970, -1 as 1969, and the year 294277 answered 500. */
    @Test
    void takesADueMomentAsTextInTheYearsOneTo9999Only() {
        var store = accounts.create();

        var due = api.post("/api/v1/tasks", store.apiKey(), """
            {"title": "Call", "due_at": "2030-01-01T09:00:00+02:00"}""");

        assertThat(due.status()).as(due.text()).isEqualTo(201);
        assertThat(due.json().get("due_at").asString()).isEqualTo("2030-01-01T07:00:00Z");
        for (String wrong : java.util.List.of("1e300", "-1", "1.5", "9007199254740993", "\"+294277-01-01T00:00:00Z\"",
            "\"-290000-01-01T00:00:00Z\"", "\"tomorrow\"")) {
            var refused = api.post("/api/v1/tasks", store.apiKey(), "{\"title\": \"Call\", \"due_at\": " + wrong
                + "}");
            assertThat(refused.status()).as(wrong + " " + refused.text()).isEqualTo(400);
            assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("due_at");
        }
        assertThat(api.get("/api/v1/tasks", store.apiKey()).json().get("data")).hasSize(1);
    }

    @Test
    void refusesAListFilterBeyondTheYear9999NamingIt() {
        var store = accounts.create();

        var events = api.get("/api/v1/events?created_from=%2B294277-01-01", store.apiKey());
        var orders = api.get("/api/v1/orders?created_to=%2B294277-01-01T00:00:00Z", store.apiKey());

        assertThat(orders.status()).as(orders.text()).isEqualTo(400);
        assertThat(orders.json().get("errors").get(0).get("field").asString()).isEqualTo("created_to");
        assertThat(events.status()).as(events.text()).isEqualTo(400);
    }
}
