package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The trigger's scope picker offers what sells first; an offer taken away from its checkout, and an archived
 * checkout, come last and say so, since an automation may still be scoped to them (an order offered an upsell before
 * it was taken away may still take it).
 */
@TillIntegrationTest
class ScopeChoicesTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    ScopeNames scopeNames;

    @Test
    void offersTakenAwayAndArchivedCheckoutsComeLastAndSaySo() {
        var store = shops.openWithUpsells();
        String key = store.shop().apiKey();
        var changed = api.patch("/api/v1/checkouts/" + store.checkoutId(), key, """
            {"upsells": [{"id": "%s"}]}""".formatted(store.membership()));
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        assertThat(api.patch("/api/v1/checkouts/" + store.shop().checkoutId(), key, "{\"active\": false}").status())
            .isEqualTo(200);

        var upsells = scopeNames.choices(store.shop().accountId(), ScopeKey.UPSELL);
        var checkouts = scopeNames.choices(store.shop().accountId(), ScopeKey.CHECKOUT);

        assertThat(upsells).extracting(WhenChoices.Choice::label).containsExactly("Course · Membership",
            "Course · Bonus pack (no longer offered)");
        assertThat(checkouts).extracting(WhenChoices.Choice::label).containsExactly("Course", "Join (archived)");
    }
}
