package io.till.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every list reads an id filter the same way: a value that is no id of that kind is refused naming the parameter (a
 * mistyped filter is never read as one that finds nothing, as a probe found events, executions, tasks and checkouts
 * did while orders refused it); a blank one filters nothing.
 */
@TillIntegrationTest
class ListIdFiltersTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;

    @Test
    void anIdFilterThatIsNoIdOfItsKindIsRefusedOnEveryList() {
        var store = accounts.create();
        for (String list : List.of("/api/v1/orders?customer_id=", "/api/v1/events?customer_id=",
            "/api/v1/executions?customer_id=", "/api/v1/executions?automation_id=", "/api/v1/tasks?customer_id=",
            "/api/v1/checkouts?product_id=")) {
            var refused = api.get(list + "nope", store.apiKey());
            assertThat(refused.status()).as(list).isEqualTo(400);
            String field = list.substring(list.indexOf('?') + 1, list.length() - 1);
            assertThat(refused.json().get("errors").get(0).get("field").asString()).as(list).isEqualTo(field);
            assertThat(refused.json().get("errors").get(0).get("message").asString()).as(list).contains("_…");

            assertThat(api.get(list, store.apiKey()).status()).as(list + " blank").isEqualTo(200);
            String wellFormed = switch (field) {
                case "automation_id" -> "aut_01m90bavg23c9e3bqsmyxcrf0h";
                case "product_id" -> "prod_01m90bavg23c9e3bqsmyxcrf0h";
                default -> "cus_01m90bavg23c9e3bqsmyxcrf0h";
            };
            var none = api.get(list + wellFormed, store.apiKey());
            assertThat(none.status()).as(list + " an id of nothing").isEqualTo(200);
            assertThat(none.json().get("data")).as(list).isEmpty();
        }
    }

    @Test
    void aMistypedEventTypeOfTillsOwnIsRefusedAndACustomOneListed() {
        var store = accounts.create();
        var refused = api.get("/api/v1/events?type=payment.faild", store.apiKey());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("code").asString()).isEqualTo("unknown_event");
        assertThat(refused.json().get("errors").get(0).get("message").asString()).contains("payment.failed");

        assertThat(api.get("/api/v1/events?type=acme.signup", store.apiKey()).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/events?type=payment.failed", store.apiKey()).status()).isEqualTo(200);
    }

    /** A reviewer's: a type no event is ever recorded under (capitalised, spaced) read nothing, for ever, unsaid. */
    @Test
    void anEventTypeNoEventCanHaveIsRefused() {
        var store = accounts.create();
        for (String type : List.of("Payment.Failed", "PAYMENT.FAILED", "acme%20signup", "signup")) {
            var refused = api.get("/api/v1/events?type=" + type, store.apiKey());
            assertThat(refused.status()).as(type).isEqualTo(400);
            assertThat(refused.json().get("errors").get(0).get("code").asString()).isEqualTo("invalid_format");
        }
    }
}
