package io.till.payment;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The Stripe adapter against stubs shaped like Stripe's documented requests and responses. */
class StripeGatewayTest {

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
    void attachesAPaymentMethodToANewStripeCustomer() {
        stripe.stubFor(post(urlEqualTo("/v1/customers"))
            .willReturn(json(200, "{\"id\": \"cus_123\", \"object\": \"customer\"}")));
        stripe.stubFor(post(urlEqualTo("/v1/payment_methods/pm_123/attach"))
            .withRequestBody(equalTo("customer=cus_123"))
            .willReturn(json(200, """
                {"id": "pm_123", "object": "payment_method", "customer": "cus_123", "type": "card",
                 "card": {"brand": "visa", "last4": "4242", "exp_month": 8, "exp_year": 2030}}""")));

        var card = gateway.attach(new PaymentGateway.CardToken("pm_123", null, null));

        assertThat(card).isEqualTo(new PaymentGateway.AttachedCard("visa", "4242", 8, 2030, "cus_123/pm_123"));
        stripe.verify(postRequestedFor(urlEqualTo("/v1/customers"))
            .withHeader("Authorization", equalTo("Bearer sk_test_till")));
    }

    /** A reviewer's: Stripe refusing the card holder's customer answered a 500 page, not Stripe's problem. */
    @Test
    void aCustomerStripeWillNotMakeForTheCardIsAGatewayProblem() {
        stripe.stubFor(post(urlEqualTo("/v1/customers")).willReturn(json(429, """
            {"error": {"type": "rate_limit_error", "message": "Too many requests"}}""")));

        assertThatThrownBy(() -> gateway.attach(new PaymentGateway.CardToken("pm_card_visa", null, null)))
            .isInstanceOfSatisfying(TillException.class,
                e -> assertThat(e.code().code()).isEqualTo("gateway_unavailable"));
    }

    @Test
    void chargesOffSessionWithTillsIdempotencyKey() {
        stripe.stubFor(post(urlEqualTo("/v1/payment_intents"))
            .willReturn(json(200, "{\"id\": \"pi_1\", \"object\": \"payment_intent\", \"status\": \"succeeded\"}")));

        var result = gateway.charge(new PaymentGateway.ChargeRequest("acct_1", "invoice:inv_1:attempt:1",
            "cus_123/pm_123", 1999, "usd", "Invoice inv_1", java.time.Instant.MAX));

        assertThat(result).isEqualTo(new PaymentGateway.ChargeResult.Succeeded("pi_1"));
        stripe.verify(postRequestedFor(urlEqualTo("/v1/payment_intents"))
            .withHeader("Idempotency-Key", equalTo("invoice:inv_1:attempt:1"))
            .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
            .withRequestBody(containing("amount=1999"))
            .withRequestBody(containing("currency=usd"))
            .withRequestBody(containing("customer=cus_123"))
            .withRequestBody(containing("payment_method=pm_123"))
            .withRequestBody(containing("confirm=true"))
            .withRequestBody(containing("off_session=true"))
            .withRequestBody(containing("metadata%5Btill_key%5D=invoice%3Ainv_1%3Aattempt%3A1")));
    }

    /**
     * Stripe reads a few currencies with other digits than ISO 4217's, which Till's amounts follow: ISK with two (an
     * ISK 1,990 subscription was charged kr 19.90), MGA with none. Charges and refunds are sent as Stripe reads them.
     */
    @Test
    void chargesAndRefundsInTheDigitsStripeReadsEachCurrencyIn() {
        stripe.stubFor(post(urlEqualTo("/v1/payment_intents"))
            .willReturn(json(200, "{\"id\": \"pi_2\", \"object\": \"payment_intent\", \"status\": \"succeeded\"}")));
        stripe.stubFor(post(urlEqualTo("/v1/refunds"))
            .willReturn(json(200, "{\"id\": \"re_2\", \"object\": \"refund\", \"status\": \"succeeded\"}")));

        gateway.charge(new PaymentGateway.ChargeRequest("acct_1", "order:ord_isk", "cus_1/pm_1", 1990, "isk", null,
            java.time.Instant.MAX));
        gateway.refund(
            new PaymentGateway.RefundRequest("acct_1", "refund:re_isk", "pi_2", 500, "isk", java.time.Instant.MAX));

        stripe.verify(postRequestedFor(urlEqualTo("/v1/payment_intents")).withRequestBody(containing("amount=199000")));
        stripe.verify(postRequestedFor(urlEqualTo("/v1/refunds")).withRequestBody(containing("amount=50000")));
        assertThat(StripeGateway.stripeAmount(1999, "usd")).isEqualTo(1999);
        assertThat(StripeGateway.stripeAmount(500, "jpy")).isEqualTo(500);
        assertThat(StripeGateway.stripeAmount(1250, "kwd")).isEqualTo(1250);
        assertThat(StripeGateway.stripeAmount(250000, "mga")).isEqualTo(2500);
    }

    /**
     * Stripe takes three-decimal currencies only in tens ("the last digit must be 0") and MGA in whole ariary: such an
     * amount is named before it is sent, never sent to come back as a 400 that leaves the charge's outcome unknown.
     */
    /** Stripe answers a charge past eight digits amount_too_large, which would read as a declined card: never sent. */
    @Test
    void namesAChargeLargerThanStripeTakesAtOnce() {
        assertThat(gateway.chargeRefusal(99_999_999, "usd")).isEmpty();
        assertThat(gateway.chargeRefusal(100_000_000, "usd")).hasValueSatisfying(reason -> assertThat(reason)
            .contains("at most $999,999.99", "USD"));
        assertThat(gateway.chargeRefusal(100_000_000, "jpy")).isPresent();
        assertThat(gateway.chargeRefusal(100_000_000, "idr")).as("rupiah take more digits").isEmpty();
        assertThat(gateway.refusal(100_000_000, "usd")).as("a refund has no such cap here").isEmpty();
    }

    @Test
    void namesTheAmountsStripeCannotTakeExactlyAndNeverSendsThem() {
        assertThat(gateway.refusal(1005, "kwd")).hasValueSatisfying(reason -> assertThat(reason).contains("KWD",
            "0.010", "1.005"));
        assertThat(gateway.refusal(250050, "mga")).isPresent();
        assertThat(gateway.refusal(1250, "bhd")).isEmpty();
        assertThat(gateway.refusal(1999, "usd")).isEmpty();
        assertThat(gateway.refusal(1990, "isk")).isEmpty();
        assertThatThrownBy(() -> gateway.charge(new PaymentGateway.ChargeRequest("acct_1", "k", "cus_1/pm_1", 1005,
            "kwd", null, java.time.Instant.MAX))).isInstanceOf(IllegalArgumentException.class);
        stripe.verify(0, postRequestedFor(urlEqualTo("/v1/payment_intents")));
    }

    @Test
    void reportsASoftDeclineWithItsDeclineCode() {
        stripe.stubFor(post(urlEqualTo("/v1/payment_intents")).willReturn(json(402, """
            {"error": {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
                       "message": "Your card has insufficient funds.",
                       "payment_intent": {"id": "pi_2", "status": "requires_payment_method"}}}""")));

        var result = gateway.charge(
            new PaymentGateway.ChargeRequest("acct_1", "k", "cus_1/pm_1", 500, "usd", null, java.time.Instant.MAX));

        assertThat(result).isEqualTo(new PaymentGateway.ChargeResult.Declined("pi_2", "insufficient_funds",
            "Your card has insufficient funds.", false));
    }

    @Test
    void reportsAnExpiredCardAsAHardDecline() {
        stripe.stubFor(post(urlEqualTo("/v1/payment_intents")).willReturn(json(402, """
            {"error": {"type": "card_error", "code": "expired_card", "message": "Your card has expired."}}""")));

        var result = gateway.charge(
            new PaymentGateway.ChargeRequest("acct_1", "k", "cus_1/pm_1", 500, "usd", null, java.time.Instant.MAX));

        assertThat(result).isInstanceOfSatisfying(PaymentGateway.ChargeResult.Declined.class, declined -> {
            assertThat(declined.code()).isEqualTo("expired_card");
            assertThat(declined.hard()).isTrue();
        });
    }

    /**
     * A reviewer's: a card detached in Stripe's dashboard answers every charge 400; read as Stripe away for a moment,
     * the renewal was tried again daily for ever, never declined, and no dunning began.
     */
    @Test
    void aChargeStripeRefusesAsARequestIsADeclineThatChargedNothing() {
        stripe.stubFor(post(urlEqualTo("/v1/payment_intents")).willReturn(json(400, """
            {"error": {"type": "invalid_request_error", "code": "resource_missing", "param": "payment_method",
                       "message": "No such PaymentMethod: 'pm_1'"}}""")));

        var result = gateway.charge(
            new PaymentGateway.ChargeRequest("acct_1", "k", "cus_1/pm_1", 500, "usd", null, java.time.Instant.MAX));

        assertThat(result).isEqualTo(new PaymentGateway.ChargeResult.Declined(null, "resource_missing",
            "No such PaymentMethod: 'pm_1'", true));
    }

    /** A key Stripe refuses is the seller's to fix, not the buyer's card: never a decline that would dun them. */
    @Test
    void aKeyStripeRefusesIsAGatewayProblemNotADecline() {
        stripe.stubFor(post(urlEqualTo("/v1/payment_intents")).willReturn(json(401, """
            {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided: sk_live_****"}}""")));

        assertThatThrownBy(() -> gateway.charge(new PaymentGateway.ChargeRequest("acct_1", "k", "cus_1/pm_1", 500,
            "usd", null, java.time.Instant.MAX))).isInstanceOfSatisfying(TillException.class,
                e -> assertThat(e.code().code()).isEqualTo("gateway_unavailable"));
    }

    @Test
    void findsAChargeByTheKeyTillPutInItsMetadata() {
        stripe.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
            com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/v1/payment_intents/search"))
            .withQueryParam("query", equalTo("metadata['till_key']:'order:ord_1'"))
            .willReturn(json(200, """
                {"object": "search_result", "data": [{"id": "pi_9", "object": "payment_intent",
                 "status": "succeeded"}], "has_more": false}""")));
        stripe.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
            com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/v1/payment_intents/search"))
            .withQueryParam("query", equalTo("metadata['till_key']:'order:ord_2'"))
            .willReturn(json(200, "{\"object\": \"search_result\", \"data\": [], \"has_more\": false}")));

        assertThat(gateway.findCharge("acct_1", "order:ord_1"))
            .contains(new PaymentGateway.ChargeResult.Succeeded("pi_9"));
        assertThat(gateway.findCharge("acct_1", "order:ord_2")).isEmpty();
    }

    @Test
    void findsARefundByTheKeyTillPutInItsMetadataAmongThePaymentsRefundsNotOneThatFailed() {
        stripe.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
            com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/v1/refunds"))
            .withQueryParam("payment_intent", equalTo("pi_1"))
            .withQueryParam("starting_after", com.github.tomakehurst.wiremock.client.WireMock.absent())
            .willReturn(json(200, """
                {"object": "list", "has_more": true, "data": [
                  {"id": "re_9", "object": "refund", "status": "succeeded", "metadata": {"till_key": "refund:re_a"}},
                  {"id": "re_8", "object": "refund", "status": "failed", "metadata": {"till_key": "refund:re_b"}}]}
                """)));
        stripe.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
            com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/v1/refunds"))
            .withQueryParam("payment_intent", equalTo("pi_1"))
            .withQueryParam("starting_after", equalTo("re_8"))
            .willReturn(json(200, """
                {"object": "list", "has_more": false, "data": [
                  {"id": "re_7", "object": "refund", "status": "pending", "metadata": {"till_key": "refund:re_c"}}]}
                """)));

        assertThat(gateway.findRefund("acct_1", "refund:re_a", "pi_1")).contains("re_9");
        assertThat(gateway.findRefund("acct_1", "refund:re_b", "pi_1")).as("failed: nothing went back").isEmpty();
        assertThat(gateway.findRefund("acct_1", "refund:re_c", "pi_1")).as("on its way").contains("re_7");
        assertThat(gateway.findRefund("acct_1", "refund:re_d", "pi_1")).isEmpty();
    }

    /**
     * A PaymentIntent the bank is still processing is neither paid nor declined, whether the charge or a later search
     * answers it: read as a decline, the next attempt would charge the card again while the first may still succeed.
     */
    @Test
    void aPaymentTheBankIsStillProcessingIsNeitherPaidNorDeclined() {
        stripe.stubFor(post(urlEqualTo("/v1/payment_intents")).willReturn(json(200, """
            {"id": "pi_5", "object": "payment_intent", "status": "processing"}""")));
        stripe.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
            com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/v1/payment_intents/search"))
            .willReturn(json(200, """
                {"object": "search_result", "data": [{"id": "pi_5", "object": "payment_intent",
                 "status": "processing", "last_payment_error": null}], "has_more": false}""")));

        assertThatThrownBy(() -> gateway.charge(new PaymentGateway.ChargeRequest("acct_1", "order:ord_5",
            "cus_1/pm_1", 500, "usd", null, java.time.Instant.MAX)))
            .isInstanceOfSatisfying(PaymentGateway.ChargeProcessing.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CHARGE_IN_PROGRESS));
        assertThatThrownBy(() -> gateway.findCharge("acct_1", "order:ord_5"))
            .isInstanceOf(PaymentGateway.ChargeProcessing.class)
            .hasMessageContaining("pi_5");
    }

    /** A search that finds a charge which failed says why, as the charge's own answer would have. */
    @Test
    void findsAFailedChargeWithTheReasonStripeGave() {
        stripe.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
            com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/v1/payment_intents/search"))
            .willReturn(json(200, """
                {"object": "search_result", "data": [{"id": "pi_6", "object": "payment_intent",
                 "status": "requires_payment_method", "last_payment_error": {"type": "card_error",
                 "code": "expired_card", "decline_code": "expired_card", "message": "Your card has expired."}}],
                 "has_more": false}""")));

        assertThat(gateway.findCharge("acct_1", "order:ord_6")).contains(new PaymentGateway.ChargeResult.Declined(
            "pi_6", "expired_card", "Your card has expired.", true));
    }

    @Test
    void refundsAPaymentIntent() {
        stripe.stubFor(post(urlEqualTo("/v1/refunds"))
            .withRequestBody(containing("payment_intent=pi_1"))
            .withRequestBody(containing("amount=700"))
            // The key, which Stripe forgets after a day, is kept in the metadata for findRefund.
            .withRequestBody(containing("metadata%5Btill_key%5D=refund%3Are_till"))
            .willReturn(json(200, "{\"id\": \"re_1\", \"object\": \"refund\", \"status\": \"succeeded\"}")));

        assertThat(gateway.refund(
            new PaymentGateway.RefundRequest("acct_1", "refund:re_till", "pi_1", 700, "usd", java.time.Instant.MAX)))
            .isEqualTo("re_1");
    }

    @Test
    void aRefundStripeDeclinesIsADeclineThatGaveNothingBackAndKeepsStripesWordsOut() {
        stripe.stubFor(post(urlEqualTo("/v1/refunds")).willReturn(json(400, """
            {"error": {"type": "invalid_request_error", "code": "charge_already_refunded",
                       "message": "Charge ch_secret has already been refunded."}}""")));

        assertThatThrownBy(() -> gateway.refund(new PaymentGateway.RefundRequest("acct_1", "refund:re_till", "pi_1",
            700, "usd", java.time.Instant.MAX)))
            .isInstanceOfSatisfying(TillException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.REFUND_DECLINED);
                assertThat(e.getMessage()).contains("charge_already_refunded").doesNotContain("ch_secret");
            });
    }

    @Test
    void anAnswerThatSaysNothingAboutTheMoneyIsNotADecline() {
        stripe.stubFor(post(urlEqualTo("/v1/refunds")).withRequestBody(containing("amount=701")).willReturn(json(409,
            """
                {"error": {"type": "idempotency_error", "message": "There is currently another in-progress request."}}""")));
        stripe.stubFor(post(urlEqualTo("/v1/refunds")).withRequestBody(containing("amount=702")).willReturn(json(400,
            """
                {"error": {"type": "idempotency_error", "message": "Keys for idempotent requests can only be used with the
                 same parameters they were first used with."}}""")));
        stripe.stubFor(post(urlEqualTo("/v1/refunds")).withRequestBody(containing("amount=703")).willReturn(aResponse()
            .withStatus(502).withHeader("Content-Type", "text/html").withBody("<html><h1>Bad gateway</h1></html>")));

        for (long amount : new long[]{701, 702, 703}) {
            assertThatThrownBy(() -> gateway.refund(new PaymentGateway.RefundRequest("acct_1", "refund:re_till",
                "pi_1", amount, "usd", java.time.Instant.MAX)))
                .as("HTTP answer to the refund of " + amount)
                .isInstanceOfSatisfying(TillException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.GATEWAY_UNAVAILABLE));
        }
    }

    @Test
    void aRefundStripeCannotTakeNowIsStillAGatewayProblem() {
        stripe.stubFor(post(urlEqualTo("/v1/refunds")).willReturn(json(429, """
            {"error": {"type": "rate_limit_error", "message": "Too many requests."}}""")));

        assertThatThrownBy(() -> gateway.refund(new PaymentGateway.RefundRequest("acct_1", "refund:re_till", "pi_1",
            700, "usd", java.time.Instant.MAX)))
            .isInstanceOfSatisfying(TillException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.GATEWAY_UNAVAILABLE));
    }

    @Test
    void turnsAServerErrorIntoAGatewayProblem() {
        stripe.stubFor(post(urlEqualTo("/v1/payment_intents")).willReturn(json(500, """
            {"error": {"type": "api_error", "message": "Something went wrong on Stripe's end."}}""")));

        assertThatThrownBy(() -> gateway.charge(new PaymentGateway.ChargeRequest("acct_1", "k", "cus_1/pm_1", 500,
            "usd", null, java.time.Instant.MAX))).isInstanceOfSatisfying(TillException.class,
                e -> assertThat(e.code().code()).isEqualTo("gateway_unavailable"));
    }

    /** A token Stripe does not know (or of another Stripe account) is the token to fix: retried, it fails the same. */
    @Test
    void aTokenStripeRefusesToAttachIsRefusedOnTheTokenNotAGatewayProblem() {
        stripe.stubFor(post(urlEqualTo("/v1/customers"))
            .willReturn(json(200, "{\"id\": \"cus_123\", \"object\": \"customer\"}")));
        stripe.stubFor(post(urlEqualTo("/v1/payment_methods/pm_doesnotexist/attach")).willReturn(json(404, """
            {"error": {"type": "invalid_request_error", "code": "resource_missing", "param": "payment_method",
                       "message": "No such PaymentMethod: 'pm_doesnotexist'"}}""")));

        assertThatThrownBy(() -> gateway.attach(new PaymentGateway.CardToken("pm_doesnotexist", null, null)))
            .isInstanceOfSatisfying(TillException.class, e -> {
                assertThat(e.code().code()).isEqualTo("validation_failed");
                assertThat(e.errors()).singleElement().satisfies(error -> {
                    assertThat(error.field()).isEqualTo("token");
                    assertThat(error.code()).isEqualTo("invalid_token");
                    assertThat(error.message()).contains("resource_missing", "No such PaymentMethod");
                });
            });
    }

    @Test
    void refusesSandboxOnlyFieldsAndForeignTokens() {
        assertThatThrownBy(() -> gateway.attach(new PaymentGateway.CardToken("pm_123", 1, 2030)))
            .isInstanceOf(TillException.class);
        assertThatThrownBy(() -> gateway.attach(new PaymentGateway.CardToken("tok_visa", null, null)))
            .isInstanceOf(TillException.class);
    }

    /**
     * A token goes into the path of Stripe's attach request, sent with the deployment's secret key: one that would
     * change that path or add to its query is refused before anything is sent.
     */
    @Test
    void refusesATokenThatWouldChangeTheRequestSentToStripe() {
        for (String token : java.util.List.of("pm_x/../../v1/refunds", "pm_x?expand[]=customer", "pm_x#", "pm_x%2F..",
            "pm_", "pm_x y", "pm_" + "a".repeat(200))) {
            assertThatThrownBy(() -> gateway.attach(new PaymentGateway.CardToken(token, null, null)))
                .as(token)
                .isInstanceOfSatisfying(TillException.class, e -> org.assertj.core.api.Assertions.assertThat(
                    e.errors().getFirst().field()).isEqualTo("token"));
        }
        stripe.verify(0, com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
            com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
    }

    /**
     * A request no connection was made for never left (NotSent: nothing it asked can have been done); one whose answer
     * did not come in time may have been done, and is not told as never sent.
     */
    /** A request past the time it may be sent never leaves: Stripe is not asked. */
    @Test
    void aChargeWhoseTimeToBeSentHasPassedNeverLeaves() {
        stripe.stubFor(post(urlEqualTo("/v1/payment_intents"))
            .willReturn(json(200, "{\"id\": \"pi_1\", \"object\": \"payment_intent\", \"status\": \"succeeded\"}")));

        assertThatThrownBy(() -> gateway.charge(new PaymentGateway.ChargeRequest("acct_1", "order:ord_late",
            "cus_123/pm_123", 1999, "usd", "Order #1", java.time.Instant.now().minusSeconds(1))))
            .isInstanceOf(PaymentGateway.NotSent.class);

        stripe.verify(0, postRequestedFor(urlEqualTo("/v1/payment_intents")));
    }

    /** Nor does a refund past its time to be sent: a credit note may have given its amount back since. */
    @Test
    void aRefundWhoseTimeToBeSentHasPassedNeverLeaves() {
        stripe.stubFor(post(urlEqualTo("/v1/refunds")).willReturn(json(200, "{\"id\": \"re_1\"}")));

        assertThatThrownBy(() -> gateway.refund(new PaymentGateway.RefundRequest("acct_1", "refund:re_late", "pi_1",
            500, "usd", java.time.Instant.now().minusSeconds(1))))
            .isInstanceOf(PaymentGateway.NotSent.class)
            .hasMessageContaining("not sent");

        stripe.verify(0, postRequestedFor(urlEqualTo("/v1/refunds")));
    }

    @Test
    void tellsARequestThatNeverLeftFromOneWhoseAnswerDidNotCome() {
        stripe.stubFor(post(urlEqualTo("/v1/payment_intents")).willReturn(json(200,
            "{\"id\": \"pi_1\", \"object\": \"payment_intent\", \"status\": \"succeeded\"}").withFixedDelay(5_000)));
        var impatient = new StripeGateway(new StripeSettings("sk_test_till", URI.create(stripe.baseUrl()),
            Duration.ofSeconds(2), Duration.ofMillis(300), "pk_test_till"), JsonMapper.builder().build(),
            java.time.Clock.systemUTC());
        var charge = new PaymentGateway.ChargeRequest("acct_1", "order:ord_1", "cus_123/pm_123", 1999, "usd",
            "Order #1", java.time.Instant.MAX);

        // Each said in a fixed sentence of its kind, which staff read on the order: not the client's own words.
        assertThatThrownBy(() -> impatient.charge(charge)).isInstanceOf(TillException.class)
            .isNotInstanceOf(PaymentGateway.NotSent.class)
            .hasMessage("Stripe could not be reached. The server did not answer in time.")
            .satisfies(e -> assertThat(((TillException) e).code()).isEqualTo(ErrorCode.GATEWAY_UNAVAILABLE));
        stripe.verify(1, postRequestedFor(urlEqualTo("/v1/payment_intents")));
        stripe.stop();
        assertThatThrownBy(() -> impatient.charge(charge)).isInstanceOf(PaymentGateway.NotSent.class)
            .hasMessage("Stripe could not be reached. The server refused the connection.")
            .satisfies(e -> assertThat(((TillException) e).code()).isEqualTo(ErrorCode.GATEWAY_UNAVAILABLE));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }
}
