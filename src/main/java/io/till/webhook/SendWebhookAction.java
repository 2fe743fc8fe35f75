package io.till.webhook;

import io.till.action.Action;
import io.till.action.ActionCall;
import io.till.action.ActionResult;
import io.till.action.ActionSchema;
import io.till.action.ActionSchema.Param;
import io.till.action.ActionSchema.Type;
import io.till.customer.Customers;
import io.till.egress.EgressClient;
import io.till.egress.EgressGuard;
import io.till.event.EventType;
import io.till.shared.DottedNames;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code send_webhook}: queues a delivery to one of the account's endpoints (signed with its secret) or to a one-off
 * URL (unsigned, through the same egress guard). The delivery is keyed on the step's idempotency key, and its
 * webhook-id derives from it, so a retried step finds the delivery it made instead of sending twice; the delivery then
 * retries on its own schedule, so the step is done once it is queued; its output links the delivery, where every
 * attempt and the final outcome can be read ({@code delivery_url}).
 */
@Component
public class SendWebhookAction implements Action {

    static final String DEFAULT_TYPE = "automation.webhook";

    private final WebhookEndpoints endpoints;
    private final WebhookDeliveries deliveries;
    private final WebhookFeed feed;
    private final Clock clock;
    private final EgressGuard guard;
    private final Customers customers;
    private final TransactionTemplate transaction;

    SendWebhookAction(WebhookEndpoints endpoints, WebhookDeliveries deliveries, WebhookFeed feed, Clock clock,
        EgressGuard guard, Customers customers, TransactionTemplate transaction) {
        this.guard = guard;
        this.customers = customers;
        this.transaction = transaction;
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.feed = feed;
        this.clock = clock;
    }

    /** The params, public so that pure tests can check definitions without a running Till. */
    public static final ActionSchema SCHEMA = ActionSchema.of("send_webhook",
        "Sends a signed webhook to an endpoint, or an unsigned one to a URL",
        Param.optional("endpoint_id", Type.STRING, "the webhook endpoint (we_…); give this or url"),
        Param.optional("url", Type.STRING, "a one-off https URL, sent unsigned; give this or endpoint_id"),
        Param.required("payload", Type.OBJECT, "what to send, as the event's data"),
        Param.optional("event_type", Type.STRING, "the type the body carries, " + DEFAULT_TYPE + " by default"))
        .checking(SendWebhookAction::check);

    /** One destination, a URL Till can call and a type receivers can route on: checked when saved and once rendered. */
    static void check(ActionSchema.Values params) {
        if (params.given("endpoint_id") == params.given("url")) {
            params.refuse("endpoint_id", "invalid_params", "give exactly one of endpoint_id (a webhook endpoint of "
                + "this account, signed) and url (a one-off https URL, unsigned)");
        }
        String url = params.literal("url");
        if (url != null && EgressClient.invalidUrl(url) != null) {
            params.refuse("url", "invalid_params", EgressClient.invalidUrl(url));
        }
        String type = params.literal("event_type");
        if (type != null && (type.length() > 100 || !DottedNames.isEventType(type))) {
            params.refuse("event_type", "invalid_params", "'" + type + "' is not a type: lower-case words joined by "
                + "dots, like acme.order_ready");
        } else if (type != null && EventType.isReserved(type) && !type.startsWith("automation.")) {
            // Signed with an endpoint's secret, a step's body must never pass for one of Till's own events: a forged
            // order.paid would be fulfilled by its receiver.
            params.refuse("event_type", "invalid_params", "'" + type + "' is one of Till's own event types (or its "
                + "namespace): a step sends its own, such as acme.order_ready or automation.order_ready");
        }
    }

    @Override
    public void checkSaved(String accountId, ActionSchema.Values params) {
        destination(accountId, params, false);
    }

    /**
     * The rule, then what the account tells: an endpoint it has (enabled, when the step runs), a URL whose host as
     * written is not a reserved address.
     */
    @Override
    public Optional<ActionResult.Failed> refusal(ActionCall call) {
        var values = new ActionSchema.Values(call.params(), "params", false, new ArrayList<>());
        check(values);
        if (values.errors().isEmpty()) {
            destination(call.accountId(), values, true);
        }
        return values.failure();
    }

    private void destination(String accountId, ActionSchema.Values params, boolean running) {
        String endpointId = params.literal("endpoint_id");
        String url = params.literal("url");
        if (endpointId != null) {
            var endpoint = endpoint(accountId, endpointId);
            if (endpoint.isEmpty()) {
                params.refuse("endpoint_id", "not_found", "no webhook endpoint " + endpointId + " in this account");
            } else if (running && !endpoint.get().enabled()) {
                params.refuse("endpoint_id", "endpoint_disabled", "webhook endpoint " + endpointId + " is disabled");
            }
        } else if (url != null && EgressClient.invalidUrl(url) == null) {
            // A reserved address as written can never be delivered to: the step fails now, not its delivery later.
            guard.savedHostRefusal(URI.create(url).getHost())
                .ifPresent(refused -> params.refuse("url", "destination_refused", refused));
        }
    }

    private Optional<WebhookEndpoint> endpoint(String accountId, String endpointId) {
        try {
            return Optional.of(endpoints.get(accountId, endpointId));
        } catch (TillException e) {
            return Optional.empty();
        }
    }

    @Override
    public ActionSchema schema() {
        return SCHEMA;
    }

    @Override
    public ActionResult perform(ActionCall call) {
        // Queued by an earlier attempt whose result was lost (a crash): that delivery is the step's, whatever has
        // changed since (its endpoint disabled, say, where it waits to be sent once enabled), not a refusal and a
        // fallback beside a delivery still to go.
        var queued = deliveries.queuedBefore(call.accountId(), call.idempotencyKey());
        if (queued.isPresent()) {
            return done(queued.get());
        }
        var refusal = refusal(call);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        var params = call.params();
        String endpointId = text(params, "endpoint_id");
        String url = text(params, "url");
        String type = params.has("event_type") ? params.get("event_type").asString() : DEFAULT_TYPE;
        String webhookId = webhookId(call.accountId(), call.idempotencyKey());
        var now = Timestamps.now(clock);
        String body = feed.envelope(webhookId, type, call.accountId(), call.customerId(), now,
            params.get("payload"));
        if (body.getBytes(StandardCharsets.UTF_8).length > WebhookDispatcher.MAX_PAYLOAD) {
            return ActionResult.Failed.permanent("payload_too_large", "params.payload: the webhook body must be at "
                + "most 256 KiB");
        }
        var delivery = new WebhookDeliveries.NewDelivery(call.accountId(), endpointId, url, webhookId, type, body,
            call.idempotencyKey());
        return transaction.execute(status -> {
            // Its payload was rendered from the run's customer as they were when the step began: a delivery made after
            // they were erased would send their data on.
            if (call.customerId() != null && !customers.lockUnerased(call.accountId(), call.customerId())) {
                return ActionResult.Failed.permanent("customer_erased", "The personal data of customer "
                    + call.customerId() + " was erased while this step ran: nothing is sent from it.");
            }
            return done(deliveries.enqueue(delivery, now));
        });
    }

    private static ActionResult done(WebhookDelivery delivery) {
        return new ActionResult.Done(JsonNodeFactory.instance.objectNode()
            .put("delivery_id", delivery.id())
            .put("delivery_url", WebhookDeliveryController.PATH + "/" + delivery.id())
            .put("webhook_id", delivery.webhookId()));
    }

    /** The same for every attempt of the step, so receivers can drop duplicates even across Tills' retries. */
    static String webhookId(String accountId, String idempotencyKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest((accountId + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
            return "msg_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static String text(tools.jackson.databind.JsonNode params, String field) {
        return params.has(field) && !params.get(field).asString().isBlank()
            ? params.get(field).asString().strip()
            : null;
    }
}
