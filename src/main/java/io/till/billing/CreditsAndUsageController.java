package io.till.billing;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1")
@Tag(name = "Credits and usage")
class CreditsAndUsageController {

    private final Credits credits;
    private final Usage usage;
    private final Invoices invoices;
    private final BillingActions billing;

    CreditsAndUsageController(Credits credits, Usage usage, Invoices invoices, BillingActions billing) {
        this.billing = billing;
        this.credits = credits;
        this.usage = usage;
        this.invoices = invoices;
    }

    record Grant(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) Long amount,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String currency, String reason) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping("/customers/{id}/credits")
    @Operation(summary = "Grant credit to a customer", description = "Credit is spent on the customer's next "
        + "invoices in that currency before their card is charged. Send an Idempotency-Key.")
    ResponseEntity<Credits.Balance> grant(Caller caller, @PathVariable String id, @RequestBody Grant body) {
        return ResponseEntity.status(201).body(credits.grant(caller.accountId(), id, body.amount(), body.currency(),
            body.reason()));
    }

    @GetMapping("/customers/{id}/credits")
    @Operation(summary = "A customer's credit balance per currency, with its latest entries", description = "The "
        + "latest 100 entries; GET /api/v1/customers/{id}/credits/entries pages through all of them.")
    Credits.Balance balance(Caller caller, @PathVariable String id) {
        return credits.balance(caller.accountId(), id);
    }

    @GetMapping("/customers/{id}/credits/entries")
    @Operation(summary = "Every entry of a customer's credit, newest first")
    Page<Credits.Entry> entries(Caller caller, @PathVariable String id, @RequestParam(required = false) Integer limit,
        @RequestParam(required = false) String cursor) {
        return credits.entries(caller.accountId(), id, PageRequest.of(limit, cursor, "ce"));
    }

    record Apply(Long amount) {}

    @PostMapping("/invoices/{id}/apply_credits")
    @Operation(summary = "Spend the customer's credit on an unpaid invoice", description = "Up to amount, or all it "
        + "can. An invoice covered in full is paid at once (invoice.paid, its subscription or plan back in good "
        + "standing); a partial application lowers what the next attempt charges.")
    Invoice apply(Caller caller, @PathVariable String id, @RequestBody(required = false) Apply body) {
        invoices.get(caller.accountId(), id);
        billing.applyAsked(caller.accountId(), id, body == null ? null : body.amount());
        return invoices.get(caller.accountId(), id);
    }

    record CreditNote(Long amount, String reason) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping("/invoices/{id}/credit_note")
    @Operation(summary = "Issue a credit note on a paid invoice", description = "Credits the customer (not their "
        + "card) with up to what the invoice was paid.")
    ResponseEntity<Credits.Entry> creditNote(Caller caller, @PathVariable String id, @RequestBody CreditNote body) {
        invoices.get(caller.accountId(), id);
        return ResponseEntity.status(201).body(credits.creditNote(caller.accountId(), id, body.amount(),
            body.reason()));
    }

    record UsageRecord(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String subscriptionId, String meter,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Long quantity) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping("/usage")
    @Operation(summary = "Record usage against a subscription's meter", description = "Raises "
        + "usage.threshold_exceeded for each threshold the period's total crosses. Send an Idempotency-Key.")
    ResponseEntity<Usage.Meter> record(Caller caller, @RequestBody UsageRecord body) {
        return ResponseEntity.status(201).body(usage.record(caller.accountId(), body.subscriptionId(), body.meter(),
            body.quantity()));
    }

    record Thresholds(String meter, List<Long> thresholds) {}

    @PutMapping("/subscriptions/{id}/usage_thresholds")
    @Operation(summary = "Set the usage thresholds of a subscription's meter")
    Usage.Meter thresholds(Caller caller, @PathVariable String id, @RequestBody Thresholds body) {
        return usage.setThresholds(caller.accountId(), id, body.meter(), body.thresholds());
    }

    @GetMapping("/subscriptions/{id}/usage")
    @Operation(summary = "A meter's usage in the current period")
    Usage.Meter usage(Caller caller, @PathVariable String id, @RequestParam(required = false) String meter) {
        return usage.meter(caller.accountId(), id, meter);
    }
}
