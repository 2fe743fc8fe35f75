package io.till.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

@TillIntegrationTest
class CustomersApiTest {

    @Autowired
    Api api;
    @Autowired
    Customers customers;
    @Autowired
    TestAccounts accounts;

    @Test
    void createsACustomerAndRaisesCustomerCreated() {
        var store = accounts.create();

        var created = api.post("/api/v1/customers", store.apiKey(), """
            {"name": " Ada Lovelace ", "email": "ada@example.com", "phone": "+44 20 7946 0958",
             "tags": ["vip", "vip", "beta"], "metadata": {"crm_id": "42"}, "marketing_consent": true}
            """);

        assertThat(created.status()).isEqualTo(201);
        var customer = created.json();
        String id = customer.get("id").asString();
        assertThat(id).startsWith("cus_");
        assertThat(created.header("Location")).isEqualTo("/api/v1/customers/" + id);
        assertThat(customer.get("name").asString()).isEqualTo("Ada Lovelace");
        assertThat(customer.get("phone").asString()).isEqualTo("+442079460958");
        assertThat(texts(customer.get("tags"))).containsExactly("vip", "beta");
        assertThat(customer.get("metadata").get("crm_id").asString()).isEqualTo("42");
        assertThat(customer.get("marketing_consent").asBoolean()).isTrue();
        var read = (tools.jackson.databind.node.ObjectNode) api.get("/api/v1/customers/" + id, store.apiKey()).json();
        assertThat(read.remove("stats").get("order_count").asLong()).isZero();
        assertThat(read).isEqualTo(customer);

        var events = api.get("/api/v1/events?customer_id=" + id, store.apiKey()).json().get("data");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("type").asString()).isEqualTo("customer.created");
        assertThat(events.get(0).get("data").get("customer")).isEqualTo(customer);
    }

    @Test
    void listsEveryBadFieldOfANewCustomer() {
        var store = accounts.create();

        var response = api.post("/api/v1/customers", store.apiKey(), """
            {"email": "not-an-email", "phone": "12", "tags": ["ok", ""], "marketing_consent": "yes", "nick": "x"}
            """);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("code").asString()).isEqualTo("validation_failed");
        assertThat(fields(response.json().get("errors"))).containsExactlyInAnyOrder("nick", "email", "phone",
            "tags[1]", "marketing_consent", "name");
        assertThat(api.get("/api/v1/customers", store.apiKey()).json().get("data")).isEmpty();
        assertThat(api.get("/api/v1/events", store.apiKey()).json().get("data")).isEmpty();
        // Addresses a mail library refuses or reads as another one: no mail would ever reach such a customer.
        for (String email : java.util.List.of("ada@gmail.com.", "ada@gmail..com", "x<eve@evil.com>")) {
            var refused = api.post("/api/v1/customers", store.apiKey(), """
                {"name": "Ada", "email": "%s"}""".formatted(email));
            assertThat(refused.status()).as(email + ": " + refused.text()).isEqualTo(400);
            assertThat(fields(refused.json().get("errors"))).containsExactly("email");
        }
    }

    @Test
    void refusesASecondCustomerWithTheSameEmailAndRecordsNothing() {
        var store = accounts.create();
        String first = createCustomer(store.apiKey(), "Ada", "ada@example.com").get("id").asString();

        var duplicate = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada again", "email": "ADA@example.com"}""");

        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.json().get("code").asString()).isEqualTo("email_taken");
        assertThat(duplicate.json().get("detail").asString()).contains(first);
        assertThat(api.get("/api/v1/events?type=customer.created", store.apiKey()).json().get("data")).hasSize(1);
    }

    @Test
    void letsTwoAccountsHaveCustomersWithOneEmail() {
        var alice = accounts.create();
        var bob = accounts.create();
        createCustomer(alice.apiKey(), "Ada", "ada@example.com");

        assertThat(api.post("/api/v1/customers", bob.apiKey(), """
            {"name": "Ada", "email": "ada@example.com"}""").status()).isEqualTo(201);
    }

    @Test
    void updatesOnlyTheFieldsSentAndReportsWhatChanged() {
        var store = accounts.create();
        var customer = createCustomer(store.apiKey(), "Ada", "ada@example.com");
        String id = customer.get("id").asString();

        var updated = api.send("PATCH", "/api/v1/customers/" + id, store.apiKey(), """
            {"email": "ada@lovelace.dev", "tags": ["paid"], "marketing_consent": true}""",
            List.of("Content-Type", "application/json"));

        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("name").asString()).isEqualTo("Ada");
        assertThat(updated.json().get("email").asString()).isEqualTo("ada@lovelace.dev");
        var events = api.get("/api/v1/events?customer_id=" + id, store.apiKey()).json().get("data");
        assertThat(types(events)).containsExactly("customer.marketing_consent_changed", "customer.updated",
            "customer.created");
        var previous = events.get(1).get("data").get("previous_attributes");
        assertThat(previous.get("email").asString()).isEqualTo("ada@example.com");
        assertThat(texts(previous.get("tags"))).isEmpty();
        assertThat(previous.get("marketing_consent").asBoolean()).isFalse();
        assertThat(previous.has("name")).isFalse();
        assertThat(events.get(0).get("data").get("marketing_consent").asBoolean()).isTrue();
    }

    @Test
    void clearsThePhoneWithNullAndRecordsNothingWhenNothingChanges() {
        var store = accounts.create();
        var customer = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada", "email": "ada@example.com", "phone": "+14155550123"}""").json();
        String id = customer.get("id").asString();

        var cleared = api.send("PATCH", "/api/v1/customers/" + id, store.apiKey(), "{\"phone\": null}",
            List.of("Content-Type", "application/json"));
        var unchanged = api.send("PATCH", "/api/v1/customers/" + id, store.apiKey(), "{\"name\": \"Ada\"}",
            List.of("Content-Type", "application/json"));

        assertThat(cleared.json().get("phone").isNull()).isTrue();
        assertThat(unchanged.status()).isEqualTo(200);
        assertThat(types(api.get("/api/v1/events?customer_id=" + id, store.apiKey()).json().get("data")))
            .containsExactly("customer.updated", "customer.created");
    }

    @Test
    void refusesAnUpdateThatTakesAnotherCustomersEmail() {
        var store = accounts.create();
        createCustomer(store.apiKey(), "Ada", "ada@example.com");
        String grace = createCustomer(store.apiKey(), "Grace", "grace@example.com").get("id").asString();

        var response = api.send("PATCH", "/api/v1/customers/" + grace, store.apiKey(),
            "{\"email\": \"ada@example.com\"}", List.of("Content-Type", "application/json"));

        assertThat(response.status()).isEqualTo(409);
        assertThat(api.get("/api/v1/customers/" + grace, store.apiKey()).json().get("email").asString())
            .isEqualTo("grace@example.com");
    }

    @Test
    void findsCustomersByAnyPartOfNameOrEmailInAnyCase() {
        var store = accounts.create();
        createCustomer(store.apiKey(), "Ada Lovelace", "ada@analytical.engine");
        createCustomer(store.apiKey(), "Grace Hopper", "grace@navy.mil");
        createCustomer(store.apiKey(), "Alan Turing", "alan@bletchley.uk");

        assertThat(names(search(store.apiKey(), "ada"))).containsExactly("Ada Lovelace");
        assertThat(names(search(store.apiKey(), "HOPP"))).containsExactly("Grace Hopper");
        assertThat(names(search(store.apiKey(), "navy.mil"))).containsExactly("Grace Hopper");
        assertThat(names(search(store.apiKey(), "a"))).containsExactly("Alan Turing", "Grace Hopper", "Ada Lovelace");
        assertThat(names(search(store.apiKey(), "%"))).isEmpty();
        // Fullwidth forms, as Japanese keyboards type them, fold to % and _ : still letters looked for, not wildcards.
        assertThat(names(search(store.apiKey(), "\uff3f"))).isEmpty();
        assertThat(names(search(store.apiKey(), "a\uff05"))).isEmpty();
        assertThat(names(search(store.apiKey(), "\uff05\uff05\uff05"))).isEmpty();
    }

    @Test
    void findsCustomersWithOrWithoutAccentsAndWithStraightOrCurlyApostrophes() {
        var store = accounts.create();
        var other = accounts.create();
        createCustomer(store.apiKey(), "Zoë Kravitz", "zk@film.example");
        createCustomer(store.apiKey(), "Siobhán O’Brien", "siobhan@dublin.example");
        createCustomer(store.apiKey(), "Pat O'Brien", "pat@cork.example");
        createCustomer(store.apiKey(), "Ana Lopez", "ana@lopez.example");
        createCustomer(other.apiKey(), "Zoë Other", "zoe@other.example");

        assertThat(names(search(store.apiKey(), "Zoe"))).containsExactly("Zoë Kravitz");
        assertThat(names(search(store.apiKey(), "ZOË"))).containsExactly("Zoë Kravitz");
        assertThat(names(search(store.apiKey(), "siobhan"))).containsExactly("Siobhán O’Brien");
        assertThat(names(search(store.apiKey(), "O'Brien"))).containsExactly("Pat O'Brien", "Siobhán O’Brien");
        assertThat(names(search(store.apiKey(), "o’brien"))).containsExactly("Pat O'Brien", "Siobhán O’Brien");
        assertThat(names(search(store.apiKey(), "'b"))).containsExactly("Pat O'Brien", "Siobhán O’Brien");
        assertThat(names(search(other.apiKey(), "zoe"))).containsExactly("Zoë Other");
    }

    @Test
    void hidesAnotherAccountsCustomers() {
        var alice = accounts.create();
        var bob = accounts.create();
        String id = createCustomer(alice.apiKey(), "Ada", "ada@example.com").get("id").asString();

        assertThat(api.get("/api/v1/customers/" + id, bob.apiKey()).status()).isEqualTo(404);
        assertThat(api.send("PATCH", "/api/v1/customers/" + id, bob.apiKey(), "{\"name\":\"Mallory\"}",
            List.of("Content-Type", "application/json")).status()).isEqualTo(404);
        assertThat(search(bob.apiKey(), "ada")).isEmpty();
        assertThat(api.get("/api/v1/customers/" + id, alice.apiKey()).json().get("name").asString()).isEqualTo("Ada");
    }

    private JsonNode createCustomer(String apiKey, String name, String email) {
        var response = api.post("/api/v1/customers", apiKey, "{\"name\":\"" + name + "\",\"email\":\"" + email + "\"}");
        assertThat(response.status()).isEqualTo(201);
        return response.json();
    }

    private JsonNode search(String apiKey, String query) {
        return api
            .get(
                "/api/v1/customers?query=" + java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8),
                apiKey)
            .json()
            .get("data");
    }

    private static List<String> texts(JsonNode array) {
        var out = new ArrayList<String>();
        array.forEach(node -> out.add(node.asString()));
        return out;
    }

    private static List<String> names(JsonNode customers) {
        var out = new ArrayList<String>();
        customers.forEach(node -> out.add(node.get("name").asString()));
        return out;
    }

    private static List<String> fields(JsonNode errors) {
        var out = new ArrayList<String>();
        errors.forEach(node -> out.add(node.get("field").asString()));
        return out;
    }

    private static List<String> types(JsonNode events) {
        var out = new ArrayList<String>();
        events.forEach(node -> out.add(node.get("type").asString()));
        return out;
    }

    @Test
    void metadataKeepsWhatWasSentExactlyOrRefusesIt() {
        var store = accounts.create();
        var refused = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "M", "email": "m@example.com", "metadata": {"price": 19.90, "order_ref": 1e20}}""");
        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().get("errors").findValuesAsString("field"))
            .containsExactlyInAnyOrder("metadata.price", "metadata.order_ref");
        assertThat(refused.text()).contains("as a string");

        var created = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "M", "email": "m@example.com",
             "metadata": {"price": "19.90", "count": 123456789012345678901234567890, "vip": true}}""");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        var metadata = created.json().get("metadata");
        assertThat(metadata.get("price").asString()).isEqualTo("19.90");
        assertThat(metadata.get("count").asString()).isEqualTo("123456789012345678901234567890");
        assertThat(metadata.get("vip").asString()).isEqualTo("true");
    }

    @Test
    void anEmailTypedInDecomposedUnicodeIsTheSameAddressAsItsComposedForm() {
        var store = accounts.create();
        var composed = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Zoe", "email": "zo\u00eb@ex\u00e4mple.com"}""");
        assertThat(composed.status()).as(composed.text()).isEqualTo(201);

        var decomposed = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Zoe again", "email": "zoe\u0308@exa\u0308mple.com"}""");

        assertThat(decomposed.status()).as(decomposed.text()).isEqualTo(409);
        assertThat(decomposed.json().get("code").asString()).isEqualTo("email_taken");
    }

    @Test
    void aTagIsOneTagWhateverItsCaseAndKeepsTheSpellingFirstGiven() {
        var store = accounts.create();
        var created = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "T", "email": "t@example.com", "tags": ["VIP", "vip", "Beta", "beta "]}""");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(texts(created.json().get("tags"))).containsExactly("VIP", "Beta");
        String id = created.json().get("id").asString();

        var added = customers.changeTags(store.id(), id, List.of("vip", "new"), List.of());
        assertThat(added.tags()).containsExactly("VIP", "Beta", "new");

        var removed = customers.changeTags(store.id(), id, List.of(), List.of("BETA"));
        assertThat(removed.tags()).containsExactly("VIP", "new");
    }
}
