package io.till.portal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.customer.Customers;
import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.FieldErrors;
import io.till.shared.TillException;
import io.till.shared.web.PublicAddress;
import io.till.shared.web.ShownOnce;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Portal sessions for sellers' apps, as Stripe's billing portal sessions: a link that signs one customer in once. */
@RestController
@Tag(name = "Customer portal")
class PortalSessionController {

    private final PortalLinks links;
    private final Customers customers;
    private final PublicAddress publicAddress;

    PortalSessionController(PortalLinks links, Customers customers, PublicAddress publicAddress) {
        this.links = links;
        this.customers = customers;
        this.publicAddress = publicAddress;
    }

    @Schema(name = "CreatePortalSession")
    record CreatePortalSession(
        @Schema(example = "cus_01jd8z5x6s4qv2n8r3t7w9y1b0", requiredMode = Schema.RequiredMode.REQUIRED) String customerId,
        @Schema(example = "https://shop.example/account", description = "Where \"Back to <store>\" leads: an http(s) URL") String returnUrl) {}

    @Schema(name = "PortalSession")
    record PortalSession(
        @Schema(description = "Opening it signs the customer in to the portal; it works once. Shown only in this "
            + "answer: a replay of the request (same Idempotency-Key) answers null; open a new session instead") @ShownOnce String url,
        Instant expiresAt) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping("/api/v1/portal_sessions")
    @Operation(summary = "Open the customer portal for a customer", description = "Answers a URL that signs the customer in directly, once, within 15 minutes. Redirect the "
        + "customer's browser to it; never send it by email (use the magic link of the sign-in page).")
    ResponseEntity<PortalSession> create(Caller caller, @RequestBody CreatePortalSession body) {
        var errors = new FieldErrors();
        if (body.customerId() == null || body.customerId().isBlank()) {
            errors.add("customer_id", "required", "is required");
        }
        if (body.returnUrl() != null && !ReturnUrls.isAcceptable(body.returnUrl())) {
            errors.add("return_url", "invalid_url", "must be an http or https URL of at most 2000 characters");
        }
        var found = body.customerId() == null || body.customerId().isBlank()
            ? java.util.Optional.<io.till.customer.Customer>empty()
            : customers.find(caller.accountId(), body.customerId().strip());
        if (found.isEmpty() && body.customerId() != null && !body.customerId().isBlank()) {
            // An id in a body that names nothing is a bad field, as on every operation (README, Errors).
            errors.add("customer_id", "not_found", "is not a customer of this account");
        }
        errors.throwIfAny();
        var customer = found.orElseThrow();
        if (customer.redactedAt() != null) {
            throw new TillException(ErrorCode.INVALID_STATE, "The personal data of customer " + customer.id()
                + " was erased; an erased customer has no portal.");
        }
        var issued = links.issue(PortalLinks.Kind.API, caller.accountId(), customer.id(), body.returnUrl());
        String url = publicAddress.baseUrl() + "/portal/" + caller.accountId() + "/session/" + issued.token();
        return ResponseEntity.status(HttpStatus.CREATED).body(new PortalSession(url, issued.expiresAt()));
    }
}
