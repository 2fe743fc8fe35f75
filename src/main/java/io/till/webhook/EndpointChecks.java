package io.till.webhook;

import io.till.egress.EgressClient;
import io.till.egress.EgressGuard;
import io.till.event.EventType;
import io.till.shared.ChangeFields;
import io.till.shared.DottedNames;
import io.till.shared.FieldErrors;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** What an endpoint's URL, event types and description must be, for the API and the dashboard alike. */
@Component
class EndpointChecks {

    private static final int MAX_EVENT_TYPES = 100;
    private static final int MAX_DESCRIPTION = 500;
    private static final List<String> CHANGEABLE = List.of("url", "event_types", "description", "status");

    private final EgressGuard guard;

    EndpointChecks(EgressGuard guard) {
        this.guard = guard;
    }

    void url(String url, FieldErrors errors) {
        String problem = EgressClient.invalidUrl(url == null ? null : url.strip());
        if (problem != null) {
            errors.add("url", url == null || url.isBlank() ? "required" : "invalid_url", problem);
            return;
        }
        // A literal reserved address is refused now; a host name is checked at every delivery.
        guard.savedHostRefusal(URI.create(url.strip()).getHost())
            .ifPresent(refusal -> errors.add("url", "destination_refused", refusal));
    }

    /**
     * A PATCH body read as a change, every bad field named. Only the fields sent change; a null description takes it
     * away, and a null for any other field is refused ({@link FieldErrors#NULL_REFUSED}), since none of them can be
     * empty: read as "unchanged", it would tell a client meaning to clear it that it had.
     */
    WebhookEndpoints.Change change(JsonNode body, FieldErrors errors) {
        if (body == null || !body.isObject()) {
            errors.add("body", "invalid_type", "must be a JSON object");
            return new WebhookEndpoints.Change(null, null, null, null);
        }
        body.propertyNames().stream().filter(field -> !CHANGEABLE.contains(field))
            .forEach(field -> errors.add(field, "unknown_field", "is not a field of this request"));
        String url = ChangeFields.text(body, "url", errors);
        if (url != null) {
            url(url, errors);
        }
        List<String> types = null;
        if (body.has("event_types")) {
            JsonNode value = body.get("event_types");
            if (value.isNull()) {
                errors.refuseNull("event_types");
            } else if (!value.isArray()) {
                errors.add("event_types", "invalid_type", "must be a list of event types");
            } else {
                types = new ArrayList<>();
                for (JsonNode type : value) {
                    types.add(type.isString() ? type.asString() : null);
                }
                eventTypes(types, errors);
            }
        }
        String description = ChangeFields.clearable(body, "description", errors);
        if (description != null) {
            description = description.strip();
            description(description, errors);
        }
        String status = ChangeFields.text(body, "status", errors);
        if (status != null && !Set.of("enabled", "disabled").contains(status)) {
            errors.add("status", "invalid_value", "must be enabled or disabled");
        }
        return new WebhookEndpoints.Change(url == null ? null : url.strip(), types, description, status);
    }

    /** Till's own event types, custom ones ({@code acme.signup}), or {@code *} for every event. */
    static void eventTypes(List<String> types, FieldErrors errors) {
        if (types == null || types.isEmpty()) {
            errors.add("event_types", "required", "name at least one event type, or * for all");
            return;
        }
        if (types.size() > MAX_EVENT_TYPES) {
            errors.add("event_types", "too_many", "at most " + MAX_EVENT_TYPES);
            return;
        }
        for (int i = 0; i < types.size(); i++) {
            String type = types.get(i);
            if (type == null || !(type.equals("*") || EventType.of(type).isPresent()
                || (type.length() <= 100 && DottedNames.isEventType(type) && !EventType.isReserved(type)))) {
                errors.add("event_types[" + i + "]", "invalid_value", "must be one of Till's event types (see "
                    + "docs/EVENTS.md), a custom type such as acme.signup, or *");
            }
        }
    }

    static void description(String description, FieldErrors errors) {
        if (description != null && description.length() > MAX_DESCRIPTION) {
            errors.add("description", "too_long", "at most " + MAX_DESCRIPTION + " characters");
        }
    }
}
