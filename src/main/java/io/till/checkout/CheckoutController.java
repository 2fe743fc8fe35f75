package io.till.checkout;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.billing.Order;
import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
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
@RequestMapping("/api/v1/checkouts")
@Tag(name = "Checkouts")
class CheckoutController {

    private final Checkouts checkouts;
    private final Purchases purchases;

    CheckoutController(Checkouts checkouts, Purchases purchases) {
        this.checkouts = checkouts;
        this.purchases = purchases;
    }

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping
    @Operation(summary = "Create a checkout", description = "Sells one product, with addon offer bumps "
        + "(name, amount, currency) and a flow of one-click upsells (name, option_id).")
    ResponseEntity<Checkout> create(Caller caller, @RequestBody Checkouts.CheckoutInput body) {
        var checkout = checkouts.create(caller.accountId(), body);
        return ResponseEntity.created(URI.create("/api/v1/checkouts/" + checkout.id())).body(checkout);
    }

    @GetMapping
    @Operation(summary = "List checkouts", description = "Newest first; product_id keeps the checkouts that sell "
        + "that product, active=true those that sell, active=false the archived ones.")
    Page<Checkout> list(Caller caller, @RequestParam(required = false) Integer limit,
        @RequestParam(required = false) String cursor,
        @RequestParam(name = "product_id", required = false) String productId,
        @RequestParam(required = false) String active) {
        var errors = new FieldErrors();
        var page = PageRequest.of(limit, cursor, "chk", errors);
        String product = errors.idParam("product_id", productId, "prod", "a product");
        Boolean selling = errors.trueOrFalse("active", active);
        errors.throwIfAny();
        return checkouts.list(caller.accountId(), product, selling, page);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Read a checkout")
    Checkout get(Caller caller, @PathVariable String id) {
        return checkouts.get(caller.accountId(), id);
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Change a checkout, or archive it", description = "Only the fields sent change. `name`; "
        + "`active`: false archives the checkout (purchases sent to it are refused with 409 invalid_state, nothing "
        + "charged; orders already paid finish their upsell flow), true sells again. `addons` and `upsells` are each "
        + "the whole list, in order: an entry with the `id` of an offer on sale keeps it (and its id, which "
        + "automations may be scoped to) with the name and price sent, an entry without an id is a new offer, and an "
        + "offer left out is retired (orders that bought it keep it). An upsell keeps its option: another option is "
        + "a new upsell. The product never changes.")
    Checkout update(Caller caller, @PathVariable String id,
        @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(schema = @Schema(implementation = CheckoutUpdate.class))) @RequestBody JsonNode body) {
        // Another account's checkout (or none) is not found whatever the body holds, as on every operation.
        checkouts.get(caller.accountId(), id);
        var errors = new FieldErrors();
        var change = CheckoutChange.of(body, errors);
        errors.throwIfAny();
        return checkouts.update(caller.accountId(), id, change);
    }

    /** The body of a checkout update, as the API reference shows it (read field by field by CheckoutChange). */
    record CheckoutUpdate(String name, Boolean active, List<CheckoutChange.AddonChange> addons,
        List<CheckoutChange.UpsellChange> upsells) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping("/{id}/purchases")
    @Operation(summary = "Buy at a checkout", description = "Charges the card once for the option's first payment (nothing during a free trial), the addons, "
        + "less the promo code's discount; records the order and starts the subscription or payment plan. A declined "
        + "card answers 402 card_declined and records the failed payment. Send an Idempotency-Key.")
    ResponseEntity<Order> purchase(Caller caller, @PathVariable String id, @RequestBody PurchaseRequest body) {
        var order = purchases.purchase(caller.accountId(), id, body);
        return ResponseEntity.created(URI.create("/api/v1/orders/" + order.id())).body(order);
    }
}
