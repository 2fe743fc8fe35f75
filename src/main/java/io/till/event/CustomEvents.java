package io.till.event;

import io.swagger.v3.oas.annotations.media.Schema;
import io.till.idempotency.RequestEffects;
import io.till.shared.DottedNames;
import io.till.shared.FieldErrors;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Events posted by other systems through the API, checked before they enter the log. */
@Component
class CustomEvents {

    private static final int MAX_TYPE_LENGTH = 100;
    private static final int MAX_DATA_BYTES = 64 * 1024;
    /** How deep event data may nest: far past any record's shape, far short of what breaks a JSON writer. */
    static final int MAX_DATA_DEPTH = 32;

    private final Events events;
    private final CustomerLookup customers;
    private final JsonMapper json;
    private final RequestEffects effects;
    private final TransactionTemplate transaction;

    CustomEvents(Events events, CustomerLookup customers, JsonMapper json, RequestEffects effects,
        TransactionTemplate transaction) {
        this.events = events;
        this.customers = customers;
        this.json = json;
        this.effects = effects;
        this.transaction = transaction;
    }

    @Schema(name = "CustomEvent")
    record Posted(
        @Schema(example = "acme.signup", requiredMode = Schema.RequiredMode.REQUIRED) String type,
        @Schema(example = "cus_01jd…") String customerId,
        @Schema(description = "Any JSON object, up to 64 KiB") JsonNode data) {}

    /** The most events one batch may carry. */
    static final int MAX_BATCH = 500;

    /**
     * Records one event. Posted without an Idempotency-Key, it needs no transaction of its own: it changes nothing else,
     * and without one it is written in the same statement and commit as the events other requests post at that moment
     * (see {@link Events#recordCustom(String, Events.Custom)}). Posted with one, it commits with its key's mark instead
     * ({@link RequestEffects}), so that the same request sent again after a crash answers this event.
     */
    Event record(String accountId, Posted posted) {
        var earlier = effects.recordedBefore("event");
        if (earlier.isPresent()) {
            // Recorded by an earlier attempt of this keyed request, which never got to answer (a crash, a 5xx).
            return events.get(accountId, earlier.get());
        }
        var errors = new FieldErrors();
        var checked = check(accountId, posted, "", errors);
        errors.throwIfAny();
        if (!effects.keyed()) {
            return events.recordCustom(accountId, checked);
        }
        // With its key's mark in the same commit: a retry after a crash answers this event instead of a second one.
        return transaction.execute(status -> {
            var event = events.recordCustom(accountId, checked);
            effects.recorded("event", event.id());
            return event;
        });
    }

    /**
     * Records the event if it is valid, as {@link #record} does; empty, with nothing recorded, when it is not (for a
     * caller that then lets {@link #record} name the problems).
     */
    Optional<Event> recordIfValid(String accountId, Posted posted) {
        var errors = new FieldErrors();
        var checked = check(accountId, posted, "", errors);
        return errors.any() ? Optional.empty() : Optional.of(events.recordCustom(accountId, checked));
    }

    /**
     * Records a batch in one transaction and one statement: all of them, or, when any is invalid, none (every problem
     * is named).
     */
    @Transactional
    List<Event> recordAll(String accountId, List<Posted> batch) {
        var earlier = effects.recordedBefore("events");
        if (earlier.isPresent()) {
            return events.get(accountId, List.of(earlier.get().split(",")));
        }
        var errors = new FieldErrors();
        if (batch == null || batch.isEmpty() || batch.size() > MAX_BATCH) {
            errors.add("events", "invalid_size", "must hold 1 to " + MAX_BATCH + " events");
            errors.throwIfAny();
        }
        var checked = new ArrayList<Events.Custom>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            checked.add(check(accountId, batch.get(i) == null ? new Posted(null, null, null) : batch.get(i),
                "events[" + i + "].", errors));
        }
        errors.throwIfAny();
        var recorded = events.recordCustom(accountId, checked);
        effects.recorded("events", String.join(",", recorded.stream().map(Event::id).toList()));
        return recorded;
    }

    /** How many objects and lists deep {@code node} is (an empty object is 1), walked without recursion. */
    static int depth(JsonNode node) {
        int deepest = 0;
        var open = new ArrayDeque<Map.Entry<JsonNode, Integer>>();
        open.push(Map.entry(node, 1));
        while (!open.isEmpty()) {
            var next = open.pop();
            if (next.getKey().isContainer()) {
                deepest = Math.max(deepest, next.getValue());
                for (JsonNode child : next.getKey().values()) {
                    open.push(Map.entry(child, next.getValue() + 1));
                }
            }
        }
        return deepest;
    }

    private Events.Custom check(String accountId, Posted posted, String prefix, FieldErrors errors) {
        String type = posted.type();
        if (type == null || type.isBlank()) {
            errors.add(prefix + "type", "required", "is required");
        } else if (type.length() > MAX_TYPE_LENGTH || !DottedNames.isEventType(type)) {
            errors.add(prefix + "type", "invalid_format", "must be lower-case words joined by dots, like acme.signup, "
                + "at most " + MAX_TYPE_LENGTH + " characters");
        } else if (EventType.isReserved(type)) {
            errors.add(prefix + "type", "reserved", "the prefix '" + type.substring(0, type.indexOf('.'))
                + "' is reserved for Till's own events; use your own, like acme."
                + type.substring(type.indexOf('.') + 1));
        }
        ObjectNode data = json.createObjectNode();
        if (posted.data() != null && !posted.data().isNull()) {
            if (posted.data() instanceof ObjectNode object) {
                data = object;
            } else {
                errors.add(prefix + "data", "invalid_type", "must be a JSON object");
            }
        }
        if (depth(data) > MAX_DATA_DEPTH) {
            // Checked before anything writes it: Till nests the data further as it stores and lists it, and JSON
            // nested past what its writer takes (500 levels) was stored, then failed every page of the event log
            // that held it, or failed the shared insert of every event posted at that moment, any account's.
            errors.add(prefix + "data", "too_deep", "must be nested at most " + MAX_DATA_DEPTH + " levels deep");
        } else if (json.writeValueAsBytes(data).length > MAX_DATA_BYTES) {
            errors.add(prefix + "data", "too_large", "must be at most 64 KiB of JSON");
        }
        // Automations read {{customer.…}} from it: only Till fills it in, from customer_id, so that a form field
        // forwarded into data cannot choose who the customer of a run is.
        if (data.has("customer")) {
            errors.add(prefix + "data.customer", "reserved", "is filled in by Till from customer_id; name your own "
                + "field otherwise, like data.contact");
        }
        // What Till's own events carry to say that automations pass them by: posted, they switched automations off
        // (skip_automations) or kept one from starting as if its own run had set the event off (caused_by, in a
        // payload an integration echoed back).
        for (String reserved : List.of("skip_automations", EventType.CAUSED_BY)) {
            if (data.has(reserved)) {
                errors.add(prefix + "data." + reserved, "reserved", "is Till's, on its own events; name your own "
                    + "field otherwise, like data.acme_" + reserved);
            }
        }
        String customerId = posted.customerId();
        if (customerId != null) {
            var customer = customers.snapshot(accountId, customerId);
            if (customer.isEmpty()) {
                errors.add(prefix + "customer_id", "not_found", "no customer with this id");
            } else if (!data.has("customer")) {
                data.set("customer", json.valueToTree(customer.get()));
            }
        }
        return new Events.Custom(type, customerId, data);
    }
}
