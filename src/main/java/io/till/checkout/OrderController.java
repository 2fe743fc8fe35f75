package io.till.checkout;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.billing.Order;
import io.till.shared.Caller;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Checkouts")
class OrderController {

    private final Purchases purchases;

    OrderController(Purchases purchases) {
        this.purchases = purchases;
    }

    record InternalOrder(String customerId, String optionId, String paymentMethodId, String promoCode) {}

    @PostMapping("/api/v1/orders")
    @Operation(summary = "Place an internal order", description = "Staff sell any product option to an existing "
        + "customer, charging a card on file (the default unless payment_method_id names another). Raises "
        + "product.purchased, order.created, payment.succeeded and starts the subscription or plan. Send an "
        + "Idempotency-Key.")
    ResponseEntity<Order> create(Caller caller, @RequestBody InternalOrder body) {
        var order = purchases.internalOrder(caller.accountId(), new PurchaseRequest(body.customerId(), null,
            body.paymentMethodId(), null, body.optionId(), List.of(), body.promoCode()));
        return ResponseEntity.created(URI.create("/api/v1/orders/" + order.id())).body(order);
    }
}
