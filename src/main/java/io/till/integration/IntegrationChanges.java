package io.till.integration;

import io.till.egress.EgressGuard;
import io.till.shared.FieldErrors;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Connecting a service, as the API and the dashboard do it: every check first, then the config stored. */
@Component
class IntegrationChanges {

    private final Integrations integrations;
    private final EgressGuard guard;
    private final JsonMapper json;

    IntegrationChanges(Integrations integrations, EgressGuard guard, JsonMapper json) {
        this.integrations = integrations;
        this.guard = guard;
        this.json = json;
    }

    /** Stores {@code config} for the type named {@code typeCode}; a validation failure names every bad field. */
    Integrations.Saved save(String accountId, String typeCode, JsonNode config) {
        var errors = new FieldErrors();
        var type = typeCode == null ? null : IntegrationType.parse(typeCode).orElse(null);
        if (type == null) {
            errors.add("type", typeCode == null ? "required" : "invalid_value", "must be one of "
                + List.of(IntegrationType.values()).stream().map(IntegrationType::code).toList());
        } else {
            type.check(config, errors);
            checkDestinations(config, errors);
        }
        if (type == null && (config == null || !config.isObject())) {
            errors.add("config", "invalid_type", "must be an object");
        }
        errors.throwIfAny();
        return integrations.save(accountId, type, (ObjectNode) config);
    }

    /**
     * Stores the dashboard form's {@code values} (by field name) over the type's stored config: a secret left blank
     * keeps the stored one, so staff never re-type it (and it is never sent to the page to be sent back); another
     * field left blank is removed; fields the form does not know stay as they were.
     */
    Integrations.Saved saveForm(String accountId, IntegrationType type, Map<String, String> values) {
        ObjectNode config = integrations.opened(accountId, type).orElseGet(json::createObjectNode);
        for (var field : type.fields()) {
            String value = values.getOrDefault(field.name(), "").strip();
            switch (field.kind()) {
                case SECRET -> {
                    if (!value.isEmpty()) {
                        config.put(field.name(), value);
                    }
                }
                case CHECKBOX -> config.put(field.name(), "true".equals(value));
                case NUMBER -> {
                    if (value.isEmpty()) {
                        config.remove(field.name());
                    } else if (value.matches("\\d{1,9}")) {
                        config.put(field.name(), Integer.parseInt(value));
                    } else {
                        // Kept as typed, for the type's check to name.
                        config.put(field.name(), value);
                    }
                }
                case TEXT, EMAIL, URL -> {
                    if (value.isEmpty()) {
                        config.remove(field.name());
                    } else {
                        config.put(field.name(), value);
                    }
                }
            }
        }
        return save(accountId, type.code(), config);
    }

    /**
     * Refuses a host that is a reserved address already as written (an IP literal, {@code localhost}), naming the
     * field; a host name is checked each time Till connects, since what it resolves to can change.
     */
    private void checkDestinations(JsonNode config, FieldErrors errors) {
        if (config == null || !config.isObject()) {
            return;
        }
        if (IntegrationType.hasText(config, "host")) {
            refuseReserved(config.get("host").asString(), "config.host", errors);
        }
        if (IntegrationType.hasText(config, "base_url")) {
            try {
                String host = new URI(config.get("base_url").asString().strip()).getHost();
                if (host != null) {
                    refuseReserved(host, "config.base_url", errors);
                }
            } catch (URISyntaxException e) {
                // Not a URL: the type's own check says so.
            }
        }
    }

    private void refuseReserved(String host, String field, FieldErrors errors) {
        guard.savedHostRefusal(host).ifPresent(refusal -> errors.add(field, "destination_refused", refusal));
    }
}
