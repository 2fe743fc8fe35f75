package io.till.integration;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/** Twilio's REST API (2010-04-01), or any service that speaks it, over HTTP with basic auth. */
@Component
public class TwilioClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    private final JsonMapper json;
    private final Clock clock;

    TwilioClient(JsonMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /**
     * What Twilio answered: the status, the JSON body (empty when it was not JSON) and how long it asked to wait before
     * trying again, if it did.
     */
    public record Reply(int status, JsonNode body, Duration retryAfter) {

        public boolean ok() {
            return status / 100 == 2;
        }

        /** Twilio's own explanation of an error, or the status when it gave none. */
        public String message() {
            String message = body.path("message").asString("");
            return message.isBlank() ? "HTTP " + status : message;
        }
    }

    /** Sends an SMS: {@code POST /2010-04-01/Accounts/{sid}/Messages.json}. */
    public Reply sendMessage(TwilioSettings settings, String to, String text) throws IOException {
        var form = new LinkedHashMap<String, String>();
        form.put("To", to);
        form.put("From", settings.fromNumber());
        form.put("Body", text);
        return send(settings, HttpRequest.newBuilder(accountUri(settings, "/Messages.json"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(formEncode(form))));
    }

    /** Reads the account resource: whether the SID and token are good. */
    Reply fetchAccount(TwilioSettings settings) throws IOException {
        return send(settings, HttpRequest.newBuilder(accountUri(settings, ".json")).GET());
    }

    private static URI accountUri(TwilioSettings settings, String suffix) {
        return URI.create(settings.baseUrl() + "/2010-04-01/Accounts/" + URLEncoder.encode(settings.accountSid(),
            StandardCharsets.UTF_8) + suffix);
    }

    private Reply send(TwilioSettings settings, HttpRequest.Builder request) throws IOException {
        String credentials = Base64.getEncoder().encodeToString((settings.accountSid() + ":" + settings.authToken())
            .getBytes(StandardCharsets.UTF_8));
        request.header("Authorization", "Basic " + credentials).header("Accept", "application/json").timeout(TIMEOUT);
        try {
            var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), parse(response.body()), response.headers()
                .firstValue("Retry-After")
                .map(this::retryAfter)
                .orElse(null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private JsonNode parse(String body) {
        try {
            JsonNode node = json.readTree(body);
            return node == null || node.isMissingNode() ? JsonNodeFactory.instance.objectNode() : node;
        } catch (JacksonException e) {
            return JsonNodeFactory.instance.objectNode();
        }
    }

    /** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
    Duration retryAfter(String value) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
        } catch (NumberFormatException notSeconds) {
            try {
                var at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                var wait = Duration.between(clock.instant(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException neither) {
                return null;
            }
        }
    }

    private static String formEncode(Map<String, String> form) {
        return form.entrySet().stream()
            .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    }
}
