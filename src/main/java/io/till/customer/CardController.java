package io.till.customer;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.payment.PaymentGateway;
import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/customers/{customerId}/payment_methods")
@Tag(name = "Payment methods")
class CardController {

    private final Cards cards;

    CardController(Cards cards) {
        this.cards = cards;
    }

    @Schema(name = "AttachCard")
    record AttachCard(
        @Schema(example = "pm_card_visa", requiredMode = Schema.RequiredMode.REQUIRED, description = "A token from the gateway's client library; in the sandbox, a test token (see README)") String token,
        @Schema(description = "Sandbox only: the expiry month of the test card", example = "3") Integer expMonth,
        @Schema(description = "Sandbox only: the expiry year of the test card", example = "2027") Integer expYear,
        @Schema(description = "Make it the customer's default card (the first card always is)") Boolean makeDefault) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping
    @Operation(summary = "Save a card for a customer", description = "Card numbers are never accepted: send a token. "
        + "Raises card.updated. A card the issuer declines is refused with 402 card_declined.")
    ResponseEntity<Card> attach(Caller caller, @PathVariable String customerId, @RequestBody AttachCard body) {
        var errors = new FieldErrors();
        if (body.token() == null || body.token().isBlank()) {
            errors.add("token", "required", "is required");
        }
        errors.throwIfAny();
        var card = cards.attach(caller.accountId(), customerId,
            new PaymentGateway.CardToken(body.token().strip(), body.expMonth(), body.expYear()),
            Boolean.TRUE.equals(body.makeDefault()));
        return ResponseEntity.created(URI.create("/api/v1/customers/" + customerId + "/payment_methods/" + card.id()))
            .body(card);
    }

    @GetMapping
    @Operation(summary = "List a customer's saved cards")
    Page<Card> list(Caller caller, @PathVariable String customerId, @RequestParam(required = false) Integer limit,
        @RequestParam(required = false) String cursor) {
        return cards.list(caller.accountId(), customerId, PageRequest.of(limit, cursor, "card"));
    }

    @GetMapping("/{cardId}")
    @Operation(summary = "Read a saved card")
    Card get(Caller caller, @PathVariable String customerId, @PathVariable String cardId) {
        return cards.get(caller.accountId(), customerId, cardId);
    }

    @PostMapping("/{cardId}/make_default")
    @Operation(summary = "Make a saved card the customer's default", description = "Raises card.updated.")
    Card makeDefault(Caller caller, @PathVariable String customerId, @PathVariable String cardId) {
        return cards.makeDefault(caller.accountId(), customerId, cardId);
    }

    @DeleteMapping("/{cardId}")
    @Operation(summary = "Remove a saved card", description = "If it was the default, the newest remaining card "
        + "becomes the default.")
    @ApiResponse(responseCode = "204", description = "Deleted; no body")
    ResponseEntity<Void> detach(Caller caller, @PathVariable String customerId, @PathVariable String cardId) {
        cards.detach(caller.accountId(), customerId, cardId);
        return ResponseEntity.noContent().build();
    }
}
