package io.till.payment;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * A card the buyer adds in the portal of a live store: a SetupIntent for off-session use, confirmed by Stripe.js in the
 * browser, then read back from Stripe — against stubs shaped like Stripe's documented requests and responses.
 */
class StripeCardSetupTest {

    private final WireMockServer stripe = new WireMockServer(options().dynamicPort());
    private StripeGateway gateway;

    @BeforeEach
    void start() {
        stripe.start();
        gateway = new StripeGateway(new StripeSettings("sk_test_till", URI.create(stripe.baseUrl()),
            Duration.ofSeconds(2), Duration.ofSeconds(5), "pk_test_till"), JsonMapper.builder().build(),
            java.time.Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        stripe.stop();
    }

    @Test
    void opensAnOffSessionSetupIntentForANewStripeCustomerNamingTheBuyer() {
        stripe.stubFor(post(urlEqualTo("/v1/customers"))
            .willReturn(json(200, "{\"id\": \"cus_9\", \"object\": \"customer\"}")));
        stripe.stubFor(post(urlEqualTo("/v1/setup_intents")).willReturn(json(200, """
            {"id": "seti_1", "object": "setup_intent", "client_secret": "seti_1_secret_abc", "customer": "cus_9",
             "status": "requires_payment_method", "usage": "off_session", "payment_method_types": ["card"]}""")));

        var started = gateway.start("acct_1", "cus_till_1");

        assertThat(started).isEqualTo(new CardSetups.Started("seti_1", "seti_1_secret_abc", "pk_test_till"));
        stripe.verify(postRequestedFor(urlEqualTo("/v1/setup_intents"))
            .withHeader("Authorization", equalTo("Bearer sk_test_till"))
            .withHeader("Idempotency-Key", containing("setup:acct_1:cus_till_1:"))
            .withRequestBody(containing("customer=cus_9"))
            .withRequestBody(containing("usage=off_session"))
            .withRequestBody(containing("payment_method_types%5B%5D=card"))
            .withRequestBody(containing("metadata%5Btill_account%5D=acct_1"))
            .withRequestBody(containing("metadata%5Btill_customer%5D=cus_till_1")));
    }

    @Test
    void readsTheConfirmedCardBackFromStripe() {
        stripe.stubFor(get(urlPathEqualTo("/v1/setup_intents/seti_1")).willReturn(json(200, succeeded("cus_till_1"))));

        var card = gateway.finish("acct_1", "cus_till_1", "seti_1");

        assertThat(card).isEqualTo(new PaymentGateway.AttachedCard("visa", "4242", 8, 2030, "cus_9/pm_7"));
        stripe.verify(getRequestedFor(urlEqualTo("/v1/setup_intents/seti_1?expand%5B%5D=payment_method")));
    }

    @Test
    void aSetupOpenedForAnotherCustomerIsNotFound() {
        stripe.stubFor(get(urlPathEqualTo("/v1/setup_intents/seti_1")).willReturn(json(200, succeeded("cus_other"))));

        assertThatThrownBy(() -> gateway.finish("acct_1", "cus_till_1", "seti_1"))
            .isInstanceOfSatisfying(TillException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void aSetupTheBankRefusedIsACardDeclinedWithItsReason() {
        stripe.stubFor(get(urlPathEqualTo("/v1/setup_intents/seti_1")).willReturn(json(200, """
            {"id": "seti_1", "object": "setup_intent", "customer": "cus_9", "status": "requires_payment_method",
             "metadata": {"till_account": "acct_1", "till_customer": "cus_till_1"}, "payment_method": null,
             "last_setup_error": {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
                                  "message": "Your card has insufficient funds."}}""")));

        assertThatThrownBy(() -> gateway.finish("acct_1", "cus_till_1", "seti_1"))
            .isInstanceOfSatisfying(CardDeclinedException.class, e -> assertThat(e.errors().getFirst())
                .extracting(error -> error.code(), error -> error.message())
                .containsExactly("insufficient_funds", "Your card has insufficient funds."));
    }

    @Test
    void aSetupNotConfirmedYetIsRefusedAndAMalformedIdNeverReachesStripe() {
        stripe.stubFor(get(urlPathEqualTo("/v1/setup_intents/seti_1")).willReturn(json(200, """
            {"id": "seti_1", "object": "setup_intent", "customer": "cus_9", "status": "requires_action",
             "metadata": {"till_account": "acct_1", "till_customer": "cus_till_1"}, "last_setup_error": null}""")));

        assertThatThrownBy(() -> gateway.finish("acct_1", "cus_till_1", "seti_1"))
            .isInstanceOfSatisfying(TillException.class, e -> assertThat(e.code()).isEqualTo(
                ErrorCode.INVALID_STATE));
        assertThatThrownBy(() -> gateway.finish("acct_1", "cus_till_1", "seti_1/../../v1/charges"))
            .isInstanceOfSatisfying(TillException.class, e -> assertThat(e.code()).isEqualTo(
                ErrorCode.VALIDATION_FAILED));
        assertThat(stripe.findAll(getRequestedFor(urlPathEqualTo("/v1/charges")))).isEmpty();
    }

    private static String succeeded(String tillCustomer) {
        return """
            {"id": "seti_1", "object": "setup_intent", "customer": "cus_9", "status": "succeeded",
             "usage": "off_session", "metadata": {"till_account": "acct_1", "till_customer": "%s"},
             "last_setup_error": null,
             "payment_method": {"id": "pm_7", "object": "payment_method", "customer": "cus_9", "type": "card",
                                "card": {"brand": "visa", "last4": "4242", "exp_month": 8, "exp_year": 2030}}}"""
            .formatted(tillCustomer);
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }
}
