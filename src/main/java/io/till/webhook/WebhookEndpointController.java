package io.till.webhook;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.Timestamps;
import io.till.shared.web.ShownOnce;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1/webhook_endpoints")
@Tag(name = "Webhooks")
class WebhookEndpointController {

    private final WebhookEndpoints endpoints;
    private final WebhookDeliveries deliveries;
    private final DeliveryHistory history;
    private final Clock clock;
    private final EndpointChecks checks;

    WebhookEndpointController(WebhookEndpoints endpoints, WebhookDeliveries deliveries, DeliveryHistory history,
        Clock clock, EndpointChecks checks) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.history = history;
        this.clock = clock;
        this.checks = checks;
    }

    /** An endpoint as shown on creation and rotation: the only answers that carry its secret. */
    record WithSecret(String id, String url, List<String> eventTypes, String description, String status,
        @ShownOnce String secret, Instant createdAt, Instant updatedAt, Instant failingSince) {

        static WithSecret of(WebhookEndpoints.Revealed revealed) {
            var e = revealed.endpoint();
            return new WithSecret(e.id(), e.url(), e.eventTypes(), e.description(), e.status(), revealed.secret(),
                e.createdAt(), e.updatedAt(), e.failingSince());
        }
    }

    record EndpointInput(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String url,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<String> eventTypes, String description,
        String status) {}

    /** A change, for the API document: any of the fields, each optional; read by {@link EndpointChecks#change}. */
    record EndpointChange(@Schema(description = FieldErrors.NULL_REFUSED) String url,
        @Schema(description = FieldErrors.NULL_REFUSED) List<String> eventTypes,
        @Schema(description = "null or empty takes it away") String description,
        @Schema(description = "enabled or disabled; " + FieldErrors.NULL_REFUSED) String status) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping
    @Operation(summary = "Create a webhook endpoint", description = "The answer holds the signing secret; it is not "
        + "shown again (rotate it to get a new one).")
    ResponseEntity<WithSecret> create(Caller caller, @RequestBody EndpointInput body) {
        var errors = new FieldErrors();
        checks.url(body.url(), errors);
        EndpointChecks.eventTypes(body.eventTypes(), errors);
        EndpointChecks.description(body.description(), errors);
        if (body.status() != null) {
            errors.add("status", "not_allowed", "a new endpoint is enabled; disable it with PATCH");
        }
        errors.throwIfAny();
        var revealed = endpoints.create(caller.accountId(), body.url().strip(), List.copyOf(body.eventTypes()),
            body.description());
        return ResponseEntity.created(URI.create("/api/v1/webhook_endpoints/" + revealed.endpoint().id()))
            .body(WithSecret.of(revealed));
    }

    @GetMapping
    @Operation(summary = "List webhook endpoints", description = "Newest first.")
    Page<WebhookEndpoint> list(Caller caller, @RequestParam(required = false) Integer limit,
        @RequestParam(required = false) String cursor) {
        return endpoints.list(caller.accountId(), PageRequest.of(limit, cursor, "we"));
    }

    @GetMapping("/{id}")
    @Operation(summary = "Read a webhook endpoint (its secret is never shown again)")
    WebhookEndpoint get(Caller caller, @PathVariable String id) {
        return endpoints.get(caller.accountId(), id);
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Change a webhook endpoint", description = "Any of url, event_types, description, status "
        + "(enabled or disabled); only the fields sent change. A null description takes it away; a null url, "
        + "event_types or status is refused (400, naming the field): leave a field out to keep it.")
    WebhookEndpoint update(Caller caller, @PathVariable String id,
        @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(schema = @Schema(implementation = EndpointChange.class))) @RequestBody JsonNode body) {
        // Another account's endpoint (or none) is not found whatever the body holds, as on every operation.
        endpoints.get(caller.accountId(), id);
        var errors = new FieldErrors();
        var change = checks.change(body, errors);
        errors.throwIfAny();
        return endpoints.update(caller.accountId(), id, change);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a webhook endpoint", description = "With its deliveries and their attempts.")
    @ApiResponse(responseCode = "204", description = "Deleted; no body")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String id) {
        endpoints.delete(caller.accountId(), id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/rotate_secret")
    @Operation(summary = "Rotate the signing secret", description = "The answer holds the new secret; the old one "
        + "keeps signing beside it for 24 hours.")
    WithSecret rotate(Caller caller, @PathVariable String id) {
        return WithSecret.of(endpoints.rotate(caller.accountId(), id));
    }

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping("/{id}/test")
    @Operation(summary = "Send a test event", description = "Queues a webhook.test event to this endpoint only. "
        + "Refused (409 invalid_state) while the endpoint is disabled.")
    ResponseEntity<WebhookDelivery> test(Caller caller, @PathVariable String id) {
        var delivery = deliveries.sendTest(endpoints.get(caller.accountId(), id), caller.accountId(),
            Timestamps.now(clock));
        return ResponseEntity.created(URI.create(deliveryPath(id, delivery.id()))).body(delivery);
    }

    @GetMapping("/{id}/deliveries")
    @Operation(summary = "List an endpoint's deliveries", description = "Newest first.")
    Page<WebhookDelivery> deliveries(Caller caller, @PathVariable String id,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        var page = PageRequest.of(limit, cursor, "whd");
        endpoints.get(caller.accountId(), id);
        return history.list(caller.accountId(), id, page);
    }

    @GetMapping("/{id}/deliveries/{deliveryId}")
    @Operation(summary = "Read a delivery with its attempts")
    WebhookDelivery delivery(Caller caller, @PathVariable String id, @PathVariable String deliveryId) {
        return history.get(caller.accountId(), id, deliveryId);
    }

    @ApiResponse(responseCode = "202", description = "Accepted: the new attempt is due now", useReturnTypeSchema = true)
    @PostMapping("/{id}/deliveries/{deliveryId}/replay")
    @Operation(summary = "Replay a delivery", description = "Makes a new attempt due now, with the same webhook-id. "
        + "Refused (409 invalid_state) while an attempt is being made, or while the endpoint is disabled.")
    ResponseEntity<WebhookDelivery> replay(Caller caller, @PathVariable String id, @PathVariable String deliveryId) {
        return ResponseEntity.accepted().body(deliveries.replay(caller.accountId(), id, deliveryId,
            Timestamps.now(clock)));
    }

    private static String deliveryPath(String endpointId, String deliveryId) {
        return "/api/v1/webhook_endpoints/" + endpointId + "/deliveries/" + deliveryId;
    }
}
