package io.till.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A change to a record that is not the caller's (another account's, or none) is 404 whatever its body holds, on every
 * PATCH as on the checkouts': a bad body first answered 400, naming its fields, for an id that names nothing.
 */
@TillIntegrationTest
class UnknownIdBeforeBodyTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;

    @Test
    void aChangeToNoRecordIsNotFoundWhateverItsBody() {
        var store = accounts.create();
        var changes = Map.of(
            "/api/v1/customers/cus_01m97g5ft7932pjfj12f9sweft", "{\"name\": null}",
            "/api/v1/products/prod_01m97g5ft7932pjfj12f9sweft", "{\"name\": null}",
            "/api/v1/webhook_endpoints/we_01m97g5ft7932pjfj12f9sweft", "{\"url\": null}",
            "/api/v1/payment_plans/plan_01m97g5ft7932pjfj12f9sweft", "{\"status\": null}",
            "/api/v1/checkouts/chk_01m97g5ft7932pjfj12f9sweft", "{\"name\": null}");

        changes.forEach((path, body) -> {
            var answer = api.patch(path, store.apiKey(), body);
            assertThat(answer.status()).as(path + " " + answer.text()).isEqualTo(404);
            assertThat(answer.json().get("code").asString()).isEqualTo("not_found");
        });
    }
}
