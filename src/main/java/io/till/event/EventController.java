package io.till.event;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import io.till.shared.DottedNames;
import io.till.shared.FieldErrors;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TimeRange;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/events")
@Tag(name = "Events")
class EventController {

    private final Events events;
    private final CustomEvents customEvents;

    EventController(Events events, CustomEvents customEvents) {
        this.events = events;
        this.customEvents = customEvents;
    }

    @GetMapping
    @Operation(summary = "List events", description = "Newest first. With after=<event id>, the events after that one, oldest first: poll with the last "
        + "id you have seen to read the feed in order, every event once. An event is listed there once every "
        + "change begun before the one that raised it has ended (milliseconds), so that none committed late is "
        + "passed by. created_from (inclusive) and created_to (exclusive), each a moment "
        + "or a day, narrow by when the events occurred.")
    Page<Event> list(Caller caller, @RequestParam(required = false) String type,
        @RequestParam(name = "customer_id", required = false) String customerId,
        @RequestParam(required = false) String after,
        @RequestParam(name = "created_from", required = false) String createdFrom,
        @RequestParam(name = "created_to", required = false) String createdTo,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        var errors = new FieldErrors();
        var page = PageRequest.of(limit, cursor, "evt", errors);
        if (after != null && !Ids.isId(after, "evt")) {
            errors.add("after", "invalid", "must be an event id (evt_…)");
        } else if (after != null && !events.exists(caller.accountId(), after)) {
            // Read after an event it never saw, the feed would start again from the first: a poller would take in
            // its whole history once more.
            errors.add("after", "not_found", "is no event of this account: give the id of the last event you read "
                + "with this key");
        }
        String customer = errors.idParam("customer_id", customerId, "cus", "a customer");
        String kind = blankToNull(type);
        if (kind != null && !DottedNames.isEventType(kind.strip())) {
            // No event is ever recorded under it (Payment.Failed, "acme signup"): a poller asking for it would read
            // nothing, for ever, without a word.
            errors.add("type", "invalid_format", "'" + kind.strip() + "' is not an event type: lower-case words "
                + "joined by dots, like payment.failed or acme.signed_up");
        } else if (kind != null && EventType.isReserved(kind.strip()) && EventType.of(kind.strip()).isEmpty()) {
            // A mistyped type of Till's own (payment.faild) is refused as webhooks and automations refuse it.
            String asked = kind.strip();
            String prefix = (asked.contains(".") ? asked.substring(0, asked.indexOf('.')) : asked) + ".";
            errors.add("type", "unknown_event", asked + " is not an event Till raises; of its kind there are "
                + String.join(", ", EventType.startingWith(prefix)));
        }
        var occurred = TimeRange.of(createdFrom, createdTo, errors);
        errors.throwIfAny();
        return events.list(caller.accountId(), new Events.Filter(kind == null ? null : kind.strip(), customer, after,
            occurred.from(), occurred.to()), page);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Read an event")
    Event get(Caller caller, @PathVariable String id) {
        return events.get(caller.accountId(), id);
    }

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping
    @Operation(summary = "Post a custom event", description = "For events from other systems, which automations can trigger on. The type must not start with a "
        + "prefix of Till's own events (payment., customer., …). Send an Idempotency-Key so that a retry never records "
        + "the event twice.")
    ResponseEntity<Event> post(Caller caller, @RequestBody CustomEvents.Posted body) {
        var event = customEvents.record(caller.accountId(), body);
        return ResponseEntity.created(URI.create("/api/v1/events/" + event.id())).body(event);
    }

    record Batch(List<CustomEvents.Posted> events) {}

    record Recorded(List<Event> data) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping("/batch")
    @Operation(summary = "Post up to 500 custom events at once", description = "All are recorded in one transaction, "
        + "or none when any is invalid (each problem is named by its index, events[3].type).")
    ResponseEntity<Recorded> postBatch(Caller caller, @RequestBody Batch body) {
        return ResponseEntity.status(201).body(new Recorded(customEvents.recordAll(caller.accountId(), body
            .events())));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
