package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.customer.Cards;
import io.till.payment.Gateways;
import io.till.payment.PaymentGateway;
import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.GatewayFaults;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A purchase cut off after charging, or before: the billing clock settles it from the gateway's word. */
@TillIntegrationTest
class PendingOrderSettlementTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    Purchases purchases;
    @Autowired
    Gateways gateways;
    @Autowired
    Cards cards;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    GatewayFaults faults;

    @Test
    void recordsAPurchaseWhoseChargeWentThroughBeforeTheNodeDied() {
        var shop = shops.open();
        var pending = purchases.beginAtCheckout(shop.accountId(), shop.checkoutId(), new PurchaseRequest(null,
            new PurchaseRequest.NewCustomer("Ada", "ada@example.com"), null, "pm_card_visa", shop.monthly(), List.of(),
            null, null));
        String reference = cards.gatewayReference(shop.accountId(), pending.customerId(), pending.cardId())
            .orElseThrow();
        gateways.forAccount(shop.accountId()).charge(new PaymentGateway.ChargeRequest(shop.accountId(),
            "order:" + pending.id(), reference, pending.total(), pending.currency(), "cut off", java.time.Instant.MAX));

        shops.advance(shop, "PT11M");

        var order = api.get("/api/v1/orders/" + pending.id(), shop.apiKey()).json();
        assertThat(order.get("status").asString()).isEqualTo("paid");
        assertThat(order.get("subscription_id").isNull()).isFalse();
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
        assertThat(shops.types(shop, pending.customerId())).contains("checkout.purchased", "order.created",
            "payment.succeeded", "subscription.started");
    }

    /**
     * A purchase cut off after its charge was declined, settled later by the clock: as the purchase itself would have,
     * it takes the card it saved out of the buyer's wallet (it would be their default, charged at renewals), while a
     * card saved before stays.
     */
    @Test
    void aDeclinedPurchaseSettledAfterTheNodeDiedRemovesTheCardItSaved() {
        var shop = shops.open();
        var pending = purchases.beginAtCheckout(shop.accountId(), shop.checkoutId(), new PurchaseRequest(null,
            new PurchaseRequest.NewCustomer("Ada", "ada@example.com"), null, "pm_card_chargeCustomerFail",
            shop.monthly(), List.of(), null, null));
        String reference = cards.gatewayReference(shop.accountId(), pending.customerId(), pending.cardId())
            .orElseThrow();
        var declined = gateways.forAccount(shop.accountId()).charge(new PaymentGateway.ChargeRequest(shop
            .accountId(), "order:" + pending.id(), reference, pending.total(), pending.currency(), "cut off",
            java.time.Instant.MAX));
        String kept = shops.saveCard(shop, pending.customerId(), "pm_card_visa");

        shops.advance(shop, "PT11M");

        assertThat(declined).isInstanceOf(PaymentGateway.ChargeResult.Declined.class);
        var order = api.get("/api/v1/orders/" + pending.id(), shop.apiKey()).json();
        assertThat(order.get("status").asString()).isEqualTo("failed");
        var wallet = api.get(Shops.cards(pending.customerId()), shop.apiKey()).json().get("data");
        assertThat(wallet.findValuesAsString("id")).containsExactly(kept);
        assertThat(api.get("/api/v1/customers/" + pending.customerId(), shop.apiKey()).json()
            .get("default_card").get("id").asString()).isEqualTo(kept);
    }

    @Test
    void asksAgainLaterWhileTheGatewayMayNotYetFindTheCharge() {
        var shop = shops.open();
        var pending = purchases.beginAtCheckout(shop.accountId(), shop.checkoutId(), new PurchaseRequest(null,
            new PurchaseRequest.NewCustomer("Ada", "ada@example.com"), null, "pm_card_visa", shop.monthly(), List.of(),
            null, null));
        String reference = cards.gatewayReference(shop.accountId(), pending.customerId(), pending.cardId())
            .orElseThrow();
        gateways.forAccount(shop.accountId()).charge(new PaymentGateway.ChargeRequest(shop.accountId(),
            "order:" + pending.id(), reference, pending.total(), pending.currency(), "cut off", java.time.Instant.MAX));
        // A gateway whose search may miss a charge for 15 minutes: at the timer's 10, missing it proves nothing.
        faults.searchLags(shop.accountId(), java.time.Duration.ofMinutes(15));
        try {
            shops.advance(shop, "PT11M");
            assertThat(api.get("/api/v1/orders/" + pending.id(), shop.apiKey()).json().get("status").asString())
                .isEqualTo("pending");

            faults.searchCatchesUp(shop.accountId());
            shops.advance(shop, "PT5M");
        } finally {
            faults.searchCatchesUp(shop.accountId());
        }

        assertThat(api.get("/api/v1/orders/" + pending.id(), shop.apiKey()).json().get("status").asString())
            .isEqualTo("paid");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
    }

    /**
     * A charge the bank is still processing is neither paid nor failed: the order waits for the bank's answer, however
     * long past the settlement timer that takes, and is booked once, as what the bank said.
     */
    @Test
    void waitsForTheBankToAnswerAChargeItIsStillProcessing() {
        var shop = shops.open();
        var pending = purchases.beginAtCheckout(shop.accountId(), shop.checkoutId(), new PurchaseRequest(null,
            new PurchaseRequest.NewCustomer("Ada", "ada@example.com"), null, "pm_card_visa", shop.monthly(), List.of(),
            null, null));
        String reference = cards.gatewayReference(shop.accountId(), pending.customerId(), pending.cardId())
            .orElseThrow();
        gateways.forAccount(shop.accountId()).charge(new PaymentGateway.ChargeRequest(shop.accountId(),
            "order:" + pending.id(), reference, pending.total(), pending.currency(), "cut off", java.time.Instant.MAX));
        faults.bankProcessing(shop.accountId());
        try {
            shops.advance(shop, "PT2H");
            assertThat(api.get("/api/v1/orders/" + pending.id(), shop.apiKey()).json().get("status").asString())
                .isEqualTo("pending");
            assertThat(shops.types(shop, pending.customerId())).doesNotContain("payment.failed", "order.created");

            faults.bankAnswers(shop.accountId());
            shops.advance(shop, "PT2H");
        } finally {
            faults.bankAnswers(shop.accountId());
        }

        assertThat(api.get("/api/v1/orders/" + pending.id(), shop.apiKey()).json().get("status").asString())
            .isEqualTo("paid");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
        assertThat(shops.types(shop, pending.customerId())).containsOnlyOnce("payment.succeeded");
    }

    @Test
    void failsAPurchaseWhoseChargeNeverReachedTheGateway() {
        var shop = shops.open();
        var pending = purchases.beginAtCheckout(shop.accountId(), shop.checkoutId(), new PurchaseRequest(null,
            new PurchaseRequest.NewCustomer("Ada", "ada@example.com"), null, "pm_card_visa", shop.monthly(), List.of(),
            null, null));

        shops.advance(shop, "PT11M");

        assertThat(api.get("/api/v1/orders/" + pending.id(), shop.apiKey()).json().get("status").asString())
            .isEqualTo("failed");
        assertThat(ledger.charges(shop.accountId())).isZero();
        assertThat(shops.types(shop, pending.customerId())).doesNotContain("order.created");
    }

    @Test
    void leavesACompletedPurchaseAlone() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");

        shops.advance(shop, "PT11M");

        assertThat(api.get("/api/v1/orders/" + order.get("id").asString(), shop.apiKey()).json().get("status")
            .asString()).isEqualTo("paid");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
    }
}
