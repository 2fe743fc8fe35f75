package io.till.webhook;

import io.till.event.EventEffects;
import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** The webhook deliveries an event caused, one per endpoint that listens to its type, for the event's page. */
@Component
@Order(2)
class DeliveriesOfEvent implements EventEffects {

    private final DeliveryHistory deliveries;

    DeliveriesOfEvent(DeliveryHistory deliveries) {
        this.deliveries = deliveries;
    }

    @Override
    public String heading() {
        return "Webhook deliveries it caused";
    }

    @Override
    public String none() {
        return "No webhook endpoint listens to this event's type.";
    }

    @Override
    public List<Effect> of(String accountId, String eventId) {
        return deliveries.ofEvent(accountId, eventId)
            .stream()
            .map(d -> new Effect(d.id(), d.url(), "/admin/webhooks/" + d.endpointId() + "#" + d.id(), d.status(),
                (d.attemptCount() == 1 ? "1 attempt" : d.attemptCount() + " attempts") + (d.lastResponseStatus() == null
                    ? ""
                    : ", last answer " + d.lastResponseStatus()),
                d.createdAt()))
            .toList();
    }
}
