package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** What a buyer paid for a plan bought with a promo code, as the staff record and the portal count it. */
@TillIntegrationTest
class PlanAmountPaidTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    PaymentPlans paymentPlans;

    /**
     * An upsell taken after the purchase adds to the order's subtotal, not to what the code's discount was taken
     * from: the first installment's share of it stays what was charged. It grew from $50.00 to $75.00.
     */
    @Test
    void anUpsellTakenAfterThePurchaseLeavesWhatTheFirstInstallmentPaid() {
        var shop = shops.open();
        var bonus = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Bonus", "options": [{"name": "Once", "kind": "one_time", "amount": 10000, "currency": "usd"}]}
            """).json();
        var lessons = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Lessons", "options": [{"name": "3 payments", "kind": "payment_plan", "amount": 10000,
             "currency": "usd", "interval": "month", "installments": 3}]}""").json();
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Lessons", "product_id": "%s", "upsells": [{"name": "Bonus", "option_id": "%s"}]}"""
            .formatted(lessons.get("id").asString(), bonus.get("options").get(0).get("id").asString())).json();
        assertThat(api.post("/api/v1/promo_codes", shop.apiKey(), "{\"code\": \"HALF\", \"percent_off\": 50}")
            .status()).isEqualTo(201);
        var order = api.post("/api/v1/checkouts/" + checkout.get("id").asString() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "promo_code": "HALF"}""".formatted(lessons.get("options").get(0).get("id").asString())).json();
        String plan = order.get("payment_plan_id").asString();
        assertThat(paymentPlans.paid(shop.accountId(), plan)).isEqualTo(new PaymentPlans.Paid(5000, 5000));

        var accepted = api.post("/api/v1/orders/" + order.get("id").asString() + "/upsells/" + checkout.get("upsells")
            .get(0).get("id").asString() + "/accept", shop.apiKey(), null);
        assertThat(accepted.status()).as(accepted.text()).isBetween(200, 201);

        assertThat(paymentPlans.paid(shop.accountId(), plan)).isEqualTo(new PaymentPlans.Paid(5000, 5000));
    }
}
