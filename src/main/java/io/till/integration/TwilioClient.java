package io.till.integration;

import io.till.egress.ConnectionFailure;
import io.till.egress.EgressClient;
import io.till.egress.EgressClient.Outcome.Answered;
import io.till.egress.EgressClient.Outcome.Refused;
import io.till.egress.EgressClient.Outcome.Unreachable;
import io.till.egress.RetryAfter;
import io.till.shared.RealTime;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Twilio's REST API (2010-04-01), or any service that speaks it, over HTTP with basic auth. The base URL is the
 * account's to choose, so every call goes through the {@link EgressClient}.
 */
@Component
public class TwilioClient {

    private final EgressClient egress;
    private final JsonMapper json;
    private final Clock clock;

    /** @param clock the real time, which Twilio's Retry-After date is counted from (not the sandbox's test clock) */
    TwilioClient(EgressClient egress, JsonMapper json, @RealTime Clock clock) {
        this.egress = egress;
        this.json = json;
        this.clock = clock;
    }

    /** How a call to Twilio ended: it answered, or it could not be reached (and why). */
    public sealed interface Answer {}

    /**
     * What Twilio answered: the status, the JSON body (empty when it was not JSON) and how long it asked to wait before
     * trying again, if it did.
     */
    public record Reply(int status, JsonNode body, Duration retryAfter) implements Answer {

        public boolean ok() {
            return status / 100 == 2;
        }

        /**
         * The status with Twilio's numeric error code, which its documentation explains; never the text of the answer,
         * which a service posing as Twilio could fill with anything.
         */
        public String summary() {
            JsonNode code = body.path("code");
            return "Twilio answered " + status + (code.isIntegralNumber()
                ? " (Twilio error " + code.asLong() + ")"
                : "");
        }
    }

    /** No answer: the guard refused the address, or the connection failed. */
    public record Unanswered(ConnectionFailure failure) implements Answer {}

    /** Sends an SMS: {@code POST /2010-04-01/Accounts/{sid}/Messages.json}. */
    public Answer sendMessage(TwilioSettings settings, String to, String text) {
        var form = new LinkedHashMap<String, String>();
        form.put("To", to);
        form.put("From", settings.fromNumber());
        form.put("Body", text);
        return send(settings, "POST", "/Messages.json", formEncode(form).getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the account resource: whether the SID and token are good. */
    Answer fetchAccount(TwilioSettings settings) {
        return send(settings, "GET", ".json", null);
    }

    private Answer send(TwilioSettings settings, String method, String suffix, byte[] form) {
        String url = settings.baseUrl() + "/2010-04-01/Accounts/" + URLEncoder.encode(settings.accountSid(),
            StandardCharsets.UTF_8) + suffix;
        String credentials = Base64.getEncoder().encodeToString((settings.accountSid() + ":" + settings.authToken())
            .getBytes(StandardCharsets.UTF_8));
        var headers = Map.of("Authorization", "Basic " + credentials, "Accept", "application/json");
        return switch (egress.send(method, url, headers, form, "application/x-www-form-urlencoded")) {
            case Answered answered -> new Reply(answered.status(), parse(answered.body()), RetryAfter.parse(answered
                .headers().get("retry-after"), clock.instant()));
            case Refused refused -> new Unanswered(ConnectionFailure.BLOCKED);
            case Unreachable unreachable -> new Unanswered(unreachable.kind());
        };
    }

    private JsonNode parse(String body) {
        try {
            JsonNode node = json.readTree(body);
            return node == null || node.isMissingNode() ? JsonNodeFactory.instance.objectNode() : node;
        } catch (JacksonException e) {
            return JsonNodeFactory.instance.objectNode();
        }
    }

    private static String formEncode(Map<String, String> form) {
        return form.entrySet().stream()
            .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    }
}
