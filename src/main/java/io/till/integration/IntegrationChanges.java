package io.till.integration;

import io.till.egress.EgressClient;
import io.till.egress.EgressGuard;
import io.till.shared.FieldErrors;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
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
            if (config != null && config.isObject()) {
                config = withStoredSecrets(accountId, type, stripped(type, (ObjectNode) config.deepCopy()), errors);
            }
            type.check(config, errors);
            checkDestinations(type, config, errors);
        }
        if (type == null && (config == null || !config.isObject())) {
            errors.add("config", "invalid_type", "must be an object");
        }
        errors.throwIfAny();
        if (type == IntegrationType.SMTP && !config.hasNonNull("starttls")) {
            // Left out, the password and the emails would cross the network in clear: TLS is what is meant.
            ((ObjectNode) config).put("starttls", true);
        }
        return integrations.save(accountId, type, (ObjectNode) config);
    }

    /**
     * The config with the spaces around its hosts, URLs, emails and other words taken off, as the dashboard's form
     * takes them: checked stripped but stored as sent, a base URL with a trailing space passed and then made every call
     * fail as an address Till refuses.
     */
    private static ObjectNode stripped(IntegrationType type, ObjectNode config) {
        for (var field : type.fields()) {
            JsonNode value = config.get(field.name());
            if (field.kind() != IntegrationType.Kind.SECRET && value != null && value.isString()) {
                config.put(field.name(), value.asString().strip());
            }
        }
        return config;
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
                    if (value.isEmpty()) {
                        config.remove(field.name()); // left out: save keeps the stored one
                    } else {
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
     * A config read back answers its secrets masked, and clients post it back with one field changed: so a secret left
     * out of the type's fields, or sent as a mask (the stored one's, or any value of the mask's form, at any depth),
     * keeps the stored secret. A mask is never stored: with no secret stored at its place it is refused. {@code null}
     * removes a secret. A stored secret is kept only while it goes where it went when it was given: a config that
     * changes its host or base URL (or turns TLS off) must send its secrets again, or anyone who may change the config
     * could have them sent to a server of theirs.
     */
    private ObjectNode withStoredSecrets(String accountId, IntegrationType type, ObjectNode config,
        FieldErrors errors) {
        ObjectNode stored = integrations.opened(accountId, type).orElse(null);
        if (stored != null) {
            var moved = type.destinationFields().stream()
                .filter(field -> !Objects.equals(destination(type, config, field), destination(type, stored, field)))
                .toList();
            for (var field : type.fields()) {
                JsonNode given = config.get(field.name());
                boolean kept = given == null || given.isString() && Integrations.isMask(given.asString());
                if (field.kind() == IntegrationType.Kind.SECRET && kept && stored.hasNonNull(field.name())
                    && !moved.isEmpty()) {
                    errors.add("config." + field.name(), "required", "must be given again to change "
                        + String.join(", ", moved) + ": a stored secret is only sent where it was sent when given");
                }
            }
            for (var field : type.fields()) {
                if (field.kind() == IntegrationType.Kind.SECRET && !config.has(field.name())
                    && stored.hasNonNull(field.name())) {
                    config.set(field.name(), stored.get(field.name()));
                }
            }
        }
        restoreMasked(config, stored, "config", errors);
        return config;
    }

    /** Where a config sends its secrets, as one field says it: a field left out reads as its default. */
    private static String destination(IntegrationType type, ObjectNode config, String field) {
        JsonNode value = config.get(field);
        if (value == null || value.isNull() || value.isString() && value.asString().isBlank()) {
            return type.newFormValues().get(field);
        }
        // Not a text (an object where a host belongs): compared as written, for the type's check to refuse.
        return value.isValueNode() ? value.asString().strip() : value.toString();
    }

    private static void restoreMasked(JsonNode node, JsonNode stored, String path, FieldErrors errors) {
        if (node instanceof ObjectNode object) {
            for (String name : List.copyOf(object.propertyNames())) {
                JsonNode value = object.get(name);
                JsonNode before = stored != null && stored.isObject() ? stored.get(name) : null;
                String at = path + "." + name;
                if (IntegrationType.isSecretField(name) && value.isString() && Integrations.isMask(value
                    .asString())) {
                    if (before != null && before.isString()) {
                        object.set(name, before);
                    } else {
                        errors.add(at, "invalid_value", "is a masked secret, as a read answers it, and none is "
                            + "stored here to keep: send the secret itself");
                    }
                } else {
                    restoreMasked(value, before, at, errors);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode before = stored != null && stored.isArray() ? stored.get(i) : null;
                restoreMasked(array.get(i), before, path + "[" + i + "]", errors);
            }
        }
    }

    /**
     * Refuses a host that is a reserved address already as written (an IP literal in any form the C library reads,
     * {@code localhost}), naming the field, a host no server can have ({@link IntegrationType#invalidHost}), and a URL
     * that is not an http or https URL naming a host; a host name is checked each time Till connects, since what it
     * resolves to can change.
     */
    private void checkDestinations(IntegrationType type, JsonNode config, FieldErrors errors) {
        if (config == null || !config.isObject()) {
            return;
        }
        if (IntegrationType.hasText(config, "host")) {
            // A reserved address is said as that; another host must at least be one a server can have.
            String host = config.get("host").asString();
            var refusal = guard.savedHostRefusal(host);
            refusal.ifPresent(why -> errors.add("config.host", "destination_refused", why));
            if (refusal.isEmpty()) {
                IntegrationType.invalidHost(host).ifPresent(why -> errors.add("config.host", "invalid_host", why));
            }
        }
        type.urlField().ifPresent(field -> {
            JsonNode value = config.get(field);
            if (value == null || value.isNull() || value.isString() && value.asString().isBlank()) {
                return; // a required one missing is the type's check to name
            }
            if (!value.isString()) {
                if (!IntegrationType.isSecretField(field)) { // a secret's type is named by the type's check
                    errors.add("config." + field, "invalid_url", "must be an http or https URL");
                }
                return;
            }
            String url = value.asString().strip();
            // What the guard refuses is said first: http://127.2/ is no URL to java.net.URI, but curl calls 127.0.0.2.
            var refusal = guard.savedUrlRefusal(url);
            String invalid = EgressClient.invalidUrl(url);
            if (refusal.isPresent()) {
                errors.add("config." + field, "destination_refused", refusal.get());
            } else if (invalid != null) {
                errors.add("config." + field, "invalid_url", invalid.equals("is required")
                    ? "must be an http or https URL"
                    : invalid);
            }
        });
    }
}
