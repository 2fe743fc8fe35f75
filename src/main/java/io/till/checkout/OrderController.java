package io.till.checkout;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.billing.BillingAddress;
import io.till.billing.Order;
import io.till.billing.Subscription;
import io.till.billing.Subscriptions;
import io.till.catalog.ProductOption;
import io.till.catalog.Products;
import io.till.shared.Caller;
import io.till.shared.TillException;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Checkouts")
class OrderController {

    private final Purchases purchases;
    private final Upsells upsells;
    private final Products products;
    private final Subscriptions subscriptions;

    OrderController(Purchases purchases, Upsells upsells, Products products, Subscriptions subscriptions) {
        this.purchases = purchases;
        this.upsells = upsells;
        this.products = products;
        this.subscriptions = subscriptions;
    }

    record NewSubscription(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String customerId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String optionId, String paymentMethodId, String promoCode,
        BillingAddress billingAddress) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping("/api/v1/subscriptions")
    @Operation(summary = "Start a subscription directly", description = "For an existing customer, on a subscription "
        + "option, paid with a card on file: an internal order that answers with the subscription it started.")
    ResponseEntity<Subscription> subscribe(Caller caller, @RequestBody NewSubscription body) {
        var option = body.optionId() == null ? null : products.option(caller.accountId(), body.optionId()).orElse(null);
        if (option != null && option.kind() != ProductOption.Kind.SUBSCRIPTION) {
            throw TillException.invalid("option_id", "not_a_subscription", "is a " + option.kind().code()
                + " option; use POST /api/v1/orders for it");
        }
        var order = purchases.internalOrder(caller.accountId(), new PurchaseRequest(body.customerId(), null,
            body.paymentMethodId(), null, body.optionId(), List.of(), body.promoCode(), body.billingAddress()));
        var subscription = subscriptions.get(caller.accountId(), order.subscriptionId());
        return ResponseEntity.created(URI.create("/api/v1/subscriptions/" + subscription.id())).body(subscription);
    }

    @PostMapping("/api/v1/orders/{id}/upsells/{upsellId}/accept")
    @Operation(summary = "Accept a one-click upsell", description = "Charges the order's card at once and adds the "
        + "upsell to the order; raises checkout.upsell_purchased and upsell.purchased, and checkout.flow_completed when "
        + "every upsell is answered. 409 invalid_state once the offer expired (the flow completed) or when the order "
        + "was not paid; 409 currency_mismatch for an upsell priced in another currency than the order. Nothing is "
        + "charged then.")
    Order accept(Caller caller, @PathVariable String id, @PathVariable String upsellId) {
        return upsells.accept(caller.accountId(), id, upsellId);
    }

    @PostMapping("/api/v1/orders/{id}/upsells/{upsellId}/decline")
    @Operation(summary = "Decline a one-click upsell")
    Order decline(Caller caller, @PathVariable String id, @PathVariable String upsellId) {
        return upsells.decline(caller.accountId(), id, upsellId);
    }

    record InternalOrder(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String customerId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String optionId, String paymentMethodId, String promoCode,
        BillingAddress billingAddress) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping("/api/v1/orders")
    @Operation(summary = "Place an internal order", description = "Staff sell any product option to an existing "
        + "customer, charging a card on file (the default unless payment_method_id names another). Takes an optional "
        + "billing_address, kept on the order. Raises product.purchased, order.created, payment.succeeded and starts the subscription or plan. Send an "
        + "Idempotency-Key.")
    ResponseEntity<Order> create(Caller caller, @RequestBody InternalOrder body) {
        var order = purchases.internalOrder(caller.accountId(), new PurchaseRequest(body.customerId(), null,
            body.paymentMethodId(), null, body.optionId(), List.of(), body.promoCode(), body.billingAddress()));
        return ResponseEntity.created(URI.create("/api/v1/orders/" + order.id())).body(order);
    }
}
