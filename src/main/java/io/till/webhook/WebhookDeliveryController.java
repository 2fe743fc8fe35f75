package io.till.webhook;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
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

    WebhookDeliveryController(DeliveryHistory deliveries) {
        this.deliveries = deliveries;
    }

    @GetMapping("/{id}")
    @Operation(summary = "Read any delivery with its attempts", description = "To an endpoint or, as a send_webhook "
        + "step may send, to a one-off url (endpoint_id null); a send_webhook step's output links it as delivery_url.")
    WebhookDelivery get(Caller caller, @PathVariable String id) {
        return deliveries.get(caller.accountId(), id);
    }
}
