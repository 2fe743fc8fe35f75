package io.till.payment;

import io.till.egress.ConnectionFailure;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stripe as the gateway of live accounts, through its REST API: a card is a PaymentMethod attached to a Stripe
 * Customer of its own (the reference is {@code cus_…/pm_…}); a charge is a PaymentIntent confirmed off-session with
 * Till's idempotency key as Stripe's {@code Idempotency-Key}; a refund is a Refund of that PaymentIntent. A card the
 * buyer adds in the portal comes through a SetupIntent of such a Customer, confirmed by Stripe.js in the browser.
 */
class StripeGateway implements PaymentGateway, CardSetups {

    /** Decline codes after which charging the same card again cannot succeed (Stripe's documented hard declines). */
    private static final Set<String> HARD_DECLINES = Set.of("expired_card", "stolen_card", "lost_card", "pickup_card",
        "restricted_card", "incorrect_number", "invalid_account", "card_not_supported", "fraudulent",
        "do_not_honor", "revocation_of_authorization", "revocation_of_all_authorizations");

    private final StripeSettings settings;
    private final HttpClient http;
    private final JsonMapper json;
    private final java.time.Clock clock;

    StripeGateway(StripeSettings settings, JsonMapper json, java.time.Clock clock) {
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    }

    @Override
    public String name() {
        return "stripe";
    }

    @Override
    public AttachedCard attach(CardToken token) {
        if (token.expMonth() != null || token.expYear() != null) {
            throw TillException.invalid("exp_month", "not_allowed", "the expiry of a real card comes from Stripe");
        }
        // Into the attach request's path, as Stripe's ids are spelled (pm_card_visa in test mode): a "/", "?" or "%"
        // would change what that request, sent with the deployment's secret key, asks.
        if (!token.token().matches("pm_[A-Za-z0-9_]{1,100}")) {
            throw TillException.invalid("token", "invalid_format", "must be a Stripe PaymentMethod id (pm_…)");
        }
        var customer = post("/v1/customers", Map.of("description", "Till card holder"), "attach:" + token.token());
        if (customer.status() != 200 || customer.body() == null || !customer.body().path("id").isString()) {
            throw unexpected("make a customer for the card", customer);
        }
        String customerId = customer.body().get("id").asString();
        var attached = post("/v1/payment_methods/" + token.token() + "/attach", Map.of("customer", customerId),
            "attach:" + token.token() + ":" + customerId);
        if (attached.status() == 402) {
            var error = attached.body().get("error");
            throw new CardDeclinedException("token", declineCode(error), text(error, "message"));
        }
        if ((attached.status() == 400 || attached.status() == 404) && attached.body() != null
            && "invalid_request_error".equals(text(attached.body().path("error"), "type"))) {
            // Stripe refused this very token (no such PaymentMethod, one of another Stripe account, one already used):
            // asked again it answers the same, so it is the token to fix, not a gateway away for a moment.
            var error = attached.body().get("error");
            String message = text(error, "message");
            throw TillException.invalid("token", "invalid_token", "Stripe did not take this card"
                + (text(error, "code") == null ? "" : " (" + text(error, "code") + ")")
                + (message == null ? "" : ": " + message));
        }
        if (attached.status() != 200) {
            throw unexpected("attach a card", attached);
        }
        var card = attached.body().get("card");
        return new AttachedCard(card.get("brand").asString(), card.get("last4").asString(), card.get("exp_month")
            .asInt(), card.get("exp_year").asInt(), customerId + "/" + attached.body().get("id").asString());
    }

    /** An amount in Till's minor units as Stripe reads it: see {@link StripeCurrencies#amount}. */
    static long stripeAmount(long amount, String currency) {
        return StripeCurrencies.amount(amount, currency);
    }

    @Override
    public java.util.Optional<String> refusal(long amount, String currency) {
        return StripeCurrencies.refusal(amount, currency);
    }

    @Override
    public java.util.Optional<String> chargeRefusal(long amount, String currency) {
        return StripeCurrencies.chargeRefusal(amount, currency);
    }

    @Override
    public ChargeResult charge(ChargeRequest request) {
        String[] reference = request.cardReference().split("/", 2);
        var params = new LinkedHashMap<String, String>();
        params.put("amount", Long.toString(stripeAmount(request.amount(), request.currency())));
        params.put("currency", request.currency());
        params.put("customer", reference[0]);
        params.put("payment_method", reference[1]);
        params.put("confirm", "true");
        params.put("off_session", "true");
        params.put("metadata[till_key]", request.idempotencyKey());
        if (request.description() != null) {
            params.put("description", request.description());
        }
        request.requireSendable(clock.instant());
        var response = post("/v1/payment_intents", params, request.idempotencyKey());
        if (response.status() == 200) {
            return outcome(response.body());
        }
        if (response.status() == 402) {
            var error = response.body().get("error");
            String intent = error.has("payment_intent") ? error.get("payment_intent").get("id").asString() : null;
            String code = declineCode(error);
            return new ChargeResult.Declined(intent, code, text(error, "message"), HARD_DECLINES.contains(code));
        }
        if (response.status() == 400 && response.body() != null
            && "idempotency_error".equals(text(response.body().path("error"), "type"))) {
            // The key was used with other parameters (another card): this request charged nothing.
            throw new KeyUsedForAnotherCharge(request.idempotencyKey());
        }
        if ((response.status() == 400 || response.status() == 404) && response.body() != null
            && "invalid_request_error".equals(text(response.body().path("error"), "type"))) {
            // Stripe refused this very request, so nothing was charged: the card's PaymentMethod detached or its
            // customer deleted in Stripe's dashboard. Asked again it answers the same, for ever: a decline, which the
            // retry schedule and dunning take up (hard when the card itself is gone), not a gateway away for a moment.
            var error = response.body().get("error");
            String code = text(error, "code") != null ? text(error, "code") : "invalid_request";
            return new ChargeResult.Declined(null, code, text(error, "message"),
                code.equals("resource_missing") || code.startsWith("payment_method_"));
        }
        throw unexpected("charge", response);
    }

    /**
     * Stripe's search is not read-after-write: "under normal operating conditions, data is searchable in under 1
     * minute" (its search API's documentation). Twice that, so that a charge made just before an answer was lost is not
     * taken for one never made.
     */
    static final java.time.Duration SEARCH_LAG = java.time.Duration.ofMinutes(2);

    @Override
    public java.time.Duration findChargeLag(String accountId) {
        return SEARCH_LAG;
    }

    /** Finds the PaymentIntent by the key Till put in its metadata (Stripe's search API). */
    @Override
    public java.util.Optional<ChargeResult> findCharge(String accountId, String idempotencyKey) {
        String query = "metadata['till_key']:'" + idempotencyKey.replace("'", "\\'") + "'";
        Answer answer = get("/v1/payment_intents/search?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        if (answer.status() != 200) {
            throw unexpected("search payments", answer);
        }
        var data = answer.body().get("data");
        if (data == null || data.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(outcome(data.get(0)));
    }

    /**
     * What a PaymentIntent says of its money. One the bank is still processing (or that waits for a step Till never
     * asks, a confirmation or a capture) is neither paid nor declined: it is asked again later, never booked as a
     * decline that a retry would charge anew.
     */
    private static ChargeResult outcome(JsonNode intent) {
        String id = intent.get("id").asString();
        String status = intent.get("status").asString();
        return switch (status) {
            case "succeeded" -> new ChargeResult.Succeeded(id);
            case "processing", "requires_confirmation", "requires_capture" -> throw new ChargeProcessing(id);
            case "requires_action" -> new ChargeResult.Declined(id, "authentication_required",
                "The bank asks the buyer to confirm this payment.", false);
            default -> {
                // requires_payment_method (the card failed) or canceled: why, if Stripe says.
                var error = intent.get("last_payment_error");
                boolean said = error != null && !error.isNull();
                String code = said ? declineCode(error) : "card_declined";
                yield new ChargeResult.Declined(id, code, said
                    ? text(error, "message")
                    : "The payment did not go through.", HARD_DECLINES.contains(code));
            }
        };
    }

    /**
     * A Stripe Customer of its own for the card, as {@link #attach} makes, and a SetupIntent for later off-session
     * charges; the metadata names who it is for, and {@link #finish} checks it.
     */
    @Override
    public Started start(String accountId, String customerId) {
        String key = "setup:" + accountId + ":" + customerId + ":" + io.till.shared.Ids.randomToken(16);
        var customer = post("/v1/customers", Map.of("description", "Till card holder"), key + ":customer");
        if (customer.status() != 200) {
            throw unexpected("open a card setup", customer);
        }
        var params = new LinkedHashMap<String, String>();
        params.put("customer", customer.body().get("id").asString());
        params.put("usage", "off_session");
        params.put("payment_method_types[]", "card");
        params.put("metadata[till_account]", accountId);
        params.put("metadata[till_customer]", customerId);
        var intent = post("/v1/setup_intents", params, key);
        if (intent.status() != 200) {
            throw unexpected("open a card setup", intent);
        }
        return new Started(intent.body().get("id").asString(), intent.body().get("client_secret").asString(),
            settings.publishableKey());
    }

    @Override
    public AttachedCard finish(String accountId, String customerId, String setupId) {
        if (!setupId.matches("seti_[A-Za-z0-9]{1,100}")) {
            throw TillException.invalid("setup_intent", "invalid_format", "must be a Stripe SetupIntent id (seti_…)");
        }
        var answer = get("/v1/setup_intents/" + setupId + "?expand%5B%5D=payment_method");
        var metadata = answer.body().get("metadata");
        if (answer.status() == 404 || answer.status() == 200 && (metadata == null
            || !accountId.equals(text(metadata, "till_account")) || !customerId.equals(text(metadata,
                "till_customer")))) {
            // Somebody else's setup, or none: the same answer, so that ids cannot be probed.
            throw TillException.notFound("card setup", setupId);
        }
        if (answer.status() != 200) {
            throw unexpected("read a card setup", answer);
        }
        var intent = answer.body();
        var error = intent.get("last_setup_error");
        if (error != null && !error.isNull()) {
            throw new CardDeclinedException("setup_intent", declineCode(error), text(error, "message"));
        }
        if (!"succeeded".equals(text(intent, "status"))) {
            throw new TillException(ErrorCode.INVALID_STATE, "The card is not confirmed yet (the setup is "
                + text(intent, "status") + ").");
        }
        var method = intent.get("payment_method");
        var card = method.get("card");
        return new AttachedCard(card.get("brand").asString(), card.get("last4").asString(), card.get("exp_month")
            .asInt(), card.get("exp_year").asInt(), text(intent, "customer") + "/" + method.get("id").asString());
    }

    @Override
    public String refund(RefundRequest request) {
        request.requireSendable(clock.instant());
        // The key in the metadata too: Stripe forgets an idempotency key after a day, and findRefund looks for it.
        var response = post("/v1/refunds", Map.of("payment_intent", request.chargeReference(), "amount",
            Long.toString(stripeAmount(request.amount(), request.currency())), "metadata[till_key]",
            request.idempotencyKey()),
            request.idempotencyKey());
        var error = response.body().get("error");
        if (response.status() >= 400 && response.status() < 500 && response.status() != 429
            && response.status() != 409 && !"idempotency_error".equals(text(error, "type"))) {
            // Stripe looked at the refund and said no (already refunded, disputed, too old): nothing was given back,
            // so the refund fails rather than stays pending. Its code says why; its message may name Stripe's ids.
            // (A 409 or an idempotency error says the key is in use or was used otherwise: nothing about the money.)
            String code = text(error, "code");
            if (code != null && !code.matches("[a-z0-9_]{1,64}")) {
                code = null;
            }
            throw new TillException(ErrorCode.REFUND_DECLINED, "The payment gateway declined the refund"
                + (code == null ? "" : " (" + code + ")") + "; nothing was given back.");
        }
        if (response.status() != 200) {
            throw unexpected("refund", response);
        }
        return response.body().get("id").asString();
    }

    /**
     * Stripe's refunds of the payment intent, read in full (a payment is refunded a few times at most, so one page of
     * 100 holds them; a later page is read if not), for one whose metadata carries the key and which did not fail.
     */
    @Override
    public java.util.Optional<String> findRefund(String accountId, String idempotencyKey, String chargeReference) {
        String after = null;
        do {
            Answer answer = get("/v1/refunds?limit=100&payment_intent=" + URLEncoder.encode(chargeReference,
                StandardCharsets.UTF_8)
                + (after == null
                    ? ""
                    : "&starting_after=" + URLEncoder.encode(after,
                        StandardCharsets.UTF_8)));
            if (answer.status() != 200) {
                throw unexpected("list refunds", answer);
            }
            var data = answer.body().path("data");
            for (JsonNode refund : data) {
                String status = text(refund, "status");
                if (idempotencyKey.equals(refund.path("metadata").path("till_key").asString(null))
                    && !"failed".equals(status) && !"canceled".equals(status)) {
                    return java.util.Optional.of(refund.get("id").asString());
                }
            }
            after = answer.body().path("has_more").asBoolean(false) && !data.isEmpty()
                ? data.get(data.size() - 1).get("id").asString()
                : null;
        } while (after != null);
        return java.util.Optional.empty();
    }

    private record Answer(int status, JsonNode body) {}

    private Answer get(String pathAndQuery) {
        var request = HttpRequest.newBuilder(URI.create(settings.baseUrl().toString().replaceAll("/+$", "")
            + pathAndQuery))
            .timeout(settings.requestTimeout())
            .header("Authorization", "Bearer " + settings.secretKey())
            .GET()
            .build();
        return send(request);
    }

    private Answer post(String path, Map<String, String> params, String idempotencyKey) {
        String form = params.entrySet()
            .stream()
            .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
        var request = HttpRequest.newBuilder(URI.create(settings.baseUrl().toString().replaceAll("/+$", "") + path))
            .timeout(settings.requestTimeout())
            .header("Authorization", "Bearer " + settings.secretKey())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Idempotency-Key", idempotencyKey)
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
        return send(request);
    }

    private Answer send(HttpRequest request) {
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            try {
                return new Answer(response.statusCode(), json.readTree(response.body()));
            } catch (tools.jackson.core.JacksonException notJson) {
                // A proxy's error page, say: not Stripe's word on anything.
                throw new TillException(ErrorCode.GATEWAY_UNAVAILABLE, "Stripe's answer (HTTP "
                    + response.statusCode() + ") was not JSON.");
            }
        } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
            // No connection was made: the request never left. Said in a fixed sentence of its kind: the client's own
            // words name addresses and classes.
            throw new PaymentGateway.NotSent("Stripe could not be reached. " + ConnectionFailure.of(e).sentence());
        } catch (IOException e) {
            // Sent, perhaps: a timeout waiting for the answer, a connection reset after the request went.
            throw new TillException(ErrorCode.GATEWAY_UNAVAILABLE, "Stripe could not be reached. "
                + ConnectionFailure.of(e).sentence());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TillException(ErrorCode.GATEWAY_UNAVAILABLE, "Interrupted while calling Stripe.");
        }
    }

    private static String declineCode(JsonNode error) {
        String decline = text(error, "decline_code");
        return decline != null ? decline : text(error, "code") != null ? text(error, "code") : "card_declined";
    }

    private static String text(JsonNode node, String field) {
        return node != null && node.has(field) && !node.get(field).isNull() ? node.get(field).asString() : null;
    }

    private static TillException unexpected(String what, Answer answer) {
        String message = answer.body() != null && answer.body().has("error")
            ? text(answer.body().get("error"), "message")
            : null;
        return new TillException(ErrorCode.GATEWAY_UNAVAILABLE, "Stripe refused to " + what + " (HTTP "
            + answer.status() + (message == null ? "" : ": " + message) + ").");
    }
}
