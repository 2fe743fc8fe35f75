package io.till.webhook;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import io.till.shared.Timestamps;
import java.time.Clock;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A delivery read by its id alone, whatever its destination: a {@code send_webhook} step to a one-off URL makes one
 * that belongs to no endpoint, and its step links here.
 */
@RestController
@RequestMapping(WebhookDeliveryController.PATH)
@Tag(name = "Webhooks")
class WebhookDeliveryController {

    static final String PATH = "/api/v1/webhook_deliveries";

    private final DeliveryHistory deliveries;
    private final WebhookDeliveries replays;
    private final Clock clock;

    WebhookDeliveryController(DeliveryHistory deliveries, WebhookDeliveries replays, Clock clock) {
        this.deliveries = deliveries;
        this.replays = replays;
        this.clock = clock;
    }

    @GetMapping("/{id}")
    @Operation(summary = "Read any delivery with its attempts", description = "To an endpoint or, as a send_webhook "
        + "step may send, to a one-off url (endpoint_id null); a send_webhook step's output links it as delivery_url.")
    WebhookDelivery get(Caller caller, @PathVariable String id) {
        return deliveries.get(caller.accountId(), id);
    }

    @ApiResponse(responseCode = "202", description = "Accepted: the new attempt is due now", useReturnTypeSchema = true)
    @PostMapping("/{id}/replay")
    @Operation(summary = "Replay any delivery", description = "Makes a new attempt due now, with the same webhook-id: "
        + "also a delivery to a one-off url, which belongs to no endpoint. Refused (409 invalid_state) while an attempt "
        + "is being made, or while the delivery's endpoint is disabled.")
    ResponseEntity<WebhookDelivery> replay(Caller caller, @PathVariable String id) {
        return ResponseEntity.accepted().body(replays.replay(caller.accountId(), id, Timestamps.now(clock)));
    }
}
