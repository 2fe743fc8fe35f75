package io.till.webhook;

import io.till.egress.EgressClient;
import io.till.egress.EgressGuard;
import io.till.event.EventType;
import io.till.shared.FieldErrors;
import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/** What an endpoint's URL, event types and description must be, for the API and the dashboard alike. */
@Component
class EndpointChecks {

    private static final Pattern CUSTOM_TYPE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");
    private static final int MAX_EVENT_TYPES = 100;
    private static final int MAX_DESCRIPTION = 500;

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
                || (type.length() <= 100 && CUSTOM_TYPE.matcher(type).matches() && !EventType.isReserved(type)))) {
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
