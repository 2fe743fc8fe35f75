package io.till.crm;

import io.till.egress.EgressClient;
import io.till.integration.Integrations;
import io.till.shared.RealTime;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Opens the client of an account's CRM from its integration config:
 * <ul>
 *   <li>{@code activecampaign}: {@code base_url} (https://&lt;account&gt;.api-us1.com) and {@code api_key};</li>
 *   <li>{@code hubspot}: {@code access_token}, and optionally {@code base_url} and {@code tag_property};</li>
 *   <li>{@code keap}: {@code access_token}, and optionally {@code base_url}.</li>
 * </ul>
 */
@Component
class CrmClients {

    static final String HUBSPOT_URL = "https://api.hubapi.com";
    static final String KEAP_URL = "https://api.infusionsoft.com/crm/rest";
    static final String HUBSPOT_TAG_PROPERTY = "till_tags";

    private final Integrations integrations;
    private final EgressClient egress;
    private final JsonMapper json;
    private final Clock clock;

    /** @param clock the real time, which a vendor's Retry-After date is counted from (not the sandbox's test clock) */
    CrmClients(Integrations integrations, EgressClient egress, JsonMapper json, @RealTime Clock clock) {
        this.integrations = integrations;
        this.egress = egress;
        this.json = json;
        this.clock = clock;
    }

    /** The account's client for {@code crm}, empty when it has no such integration. */
    Optional<CrmClient> open(String accountId, CrmType crm) {
        return integrations.opened(accountId, crm.integration()).map(config -> client(crm, config));
    }

    private CrmClient client(CrmType crm, ObjectNode config) {
        return switch (crm) {
            case ACTIVECAMPAIGN -> new ActiveCampaignClient(http(crm, required(crm, config, "base_url"), Map.of(
                "Api-Token", required(crm, config, "api_key")), config));
            case HUBSPOT -> new HubSpotClient(http(crm, optional(config, "base_url", HUBSPOT_URL), bearer(crm,
                config), config), optional(config, "tag_property", HUBSPOT_TAG_PROPERTY));
            case KEAP -> new KeapClient(http(crm, optional(config, "base_url", KEAP_URL), bearer(crm, config),
                config));
        };
    }

    private CrmHttp http(CrmType crm, String baseUrl, Map<String, String> auth, ObjectNode config) {
        String invalid = EgressClient.invalidUrl(baseUrl);
        if (invalid != null) {
            throw CrmFailure.permanent("integration_invalid", "the " + crm.code() + " integration's base_url "
                + invalid);
        }
        return new CrmHttp(crm, baseUrl, auth, egress, json, clock);
    }

    private static Map<String, String> bearer(CrmType crm, ObjectNode config) {
        return Map.of("Authorization", "Bearer " + required(crm, config, "access_token"));
    }

    private static String required(CrmType crm, ObjectNode config, String field) {
        JsonNode value = config.get(field);
        if (value == null || !value.isString() || value.asString().isBlank()) {
            throw CrmFailure.permanent("integration_invalid", "the " + crm.code() + " integration has no " + field);
        }
        return value.asString().strip();
    }

    private static String optional(ObjectNode config, String field, String fallback) {
        JsonNode value = config.get(field);
        return value == null || !value.isString() || value.asString().isBlank() ? fallback : value.asString().strip();
    }
}
