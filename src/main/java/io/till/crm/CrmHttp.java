package io.till.crm;

import io.till.egress.EgressClient;
import io.till.egress.EgressClient.Outcome.Answered;
import io.till.egress.EgressClient.Outcome.Refused;
import io.till.egress.EgressClient.Outcome.Unreachable;
import io.till.egress.RetryAfter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * JSON over HTTP to one CRM account, through the egress guard because the base URL comes from the seller's config.
 * Judges every answer that is not a 2xx once, for all vendors: a rate limit, an outage or no answer at all may pass
 * (no sooner than the vendor's Retry-After); rejected credentials, a refused destination or a rejected request will not.
 */
final class CrmHttp {

    private final CrmType crm;
    private final String baseUrl;
    private final Map<String, String> headers;
    private final EgressClient egress;
    private final JsonMapper json;
    private final Clock clock;
    private final boolean vendors;

    CrmHttp(CrmType crm, String baseUrl, Map<String, String> auth, EgressClient egress, JsonMapper json,
        Clock clock) {
        this.crm = crm;
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.vendors = crm.ownHost(java.net.URI.create(this.baseUrl).getHost());
        this.headers = new LinkedHashMap<>(auth);
        this.headers.put("Accept", "application/json");
        this.egress = egress;
        this.json = json;
        this.clock = clock;
    }

    /** The CRM account's API address, without a trailing slash. */
    String baseUrl() {
        return baseUrl;
    }

    /** Whether the base URL is the vendor's own API, whose words may be repeated ({@link CrmType#ownHost}). */
    boolean vendors() {
        return vendors;
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode post(String path, JsonNode body) {
        return send("POST", path, body);
    }

    JsonNode put(String path, JsonNode body) {
        return send("PUT", path, body);
    }

    JsonNode patch(String path, JsonNode body) {
        return send("PATCH", path, body);
    }

    JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    /** One path segment or query value, percent-encoded; an email keeps its {@code @}, which paths allow. */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("%40", "@");
    }

    private JsonNode send(String method, String path, JsonNode body) {
        var outcome = egress.send(method, baseUrl + path, headers, body == null
            ? null
            : json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8), "application/json");
        return switch (outcome) {
            case Answered answered when answered.status() / 100 == 2 -> answer(answered);
            case Answered answered -> throw refusal(answered);
            case Refused refused -> throw CrmFailure.permanent("destination_refused", crm.vendor() + " base URL "
                + "refused: " + refused.reason());
            case Unreachable unreachable -> throw new CrmFailure("crm_unreachable", "cannot reach " + crm.vendor()
                + ": " + unreachable.error(), true, null, unreachable.kind());
        };
    }

    private CrmFailure refusal(Answered answered) {
        int status = answered.status();
        String explained = message(answered.body());
        String message = crm.vendor() + " answered " + status + (explained.isEmpty() ? "" : ": " + explained);
        if (status == 429 || status >= 500) {
            return CrmFailure.answered(status, status == 429 ? "crm_rate_limited" : "crm_unavailable", message, true,
                RetryAfter.parse(answered.headers().get("retry-after"), clock.instant()));
        }
        if (status == 401 || status == 403) {
            return CrmFailure.answered(status, "crm_unauthorized", message, false, null);
        }
        return CrmFailure.answered(status, "crm_rejected", message, false, null);
    }

    /**
     * A 2xx answer's JSON; an empty one is an empty object (a 204). One that is not JSON (a proxy's page in front of a
     * custom base URL, an answer cut at {@link EgressClient#MAX_BODY}) fails the call, tried again: read as empty, it
     * had a tag step read "no tags" and write back only its own tag, wiping the contact's others, and a removal say
     * it was done when it was not.
     */
    private JsonNode answer(Answered answered) {
        String body = answered.body();
        if (body == null || body.isBlank()) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode node = json.readTree(body);
            if (node != null && !node.isMissingNode()) {
                return node;
            }
        } catch (JacksonException notJson) {
            // Said below.
        }
        throw CrmFailure.answered(answered.status(), "crm_unexpected_answer", crm.vendor() + " answered "
            + answered.status() + (body.getBytes(StandardCharsets.UTF_8).length >= EgressClient.MAX_BODY - 3
                ? " with a body longer than the " + EgressClient.MAX_BODY / 1024 + " KiB Till reads"
                : " with a body that is not JSON"),
            true, null);
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode node = json.readTree(body);
            return node == null || node.isMissingNode() ? JsonNodeFactory.instance.objectNode() : node;
        } catch (JacksonException e) {
            return JsonNodeFactory.instance.objectNode();
        }
    }

    /** The vendor's own explanation of a refusal, when the base URL is the vendor's; else nothing. */
    private String message(String body) {
        return vendors ? explanation(parse(body)) : "";
    }

    /**
     * The vendor's own explanation in its answer: HubSpot and Keap say {@code message}, ActiveCampaign lists
     * {@code errors} with a {@code title}, Keap's gateway answers a {@code fault}; else nothing.
     */
    static String explanation(JsonNode node) {
        for (String candidate : new String[]{node.path("message").asString(""), node.path("errors").path(0).path(
            "title").asString(""), node.path("errors").path(0).path("message").asString(""), node.path("fault")
                .path("faultstring").asString("")}) {
            if (!candidate.isBlank()) {
                return candidate.length() > 200 ? candidate.substring(0, 200) + "…" : candidate;
            }
        }
        // Anything else (an HTML error page, a proxy's banner) is not repeated: the log shows the status alone.
        return "";
    }
}
