package io.till.customer;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
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
@RequestMapping("/api/v1/customers")
@Tag(name = "Customers")
class CustomerController {

    private final Customers customers;
    private final CustomerStats.Source stats;
    private final PersonalDataRequests personalData;

    CustomerController(Customers customers, CustomerStats.Source stats, PersonalDataRequests personalData) {
        this.customers = customers;
        this.stats = stats;
        this.personalData = personalData;
    }

    /** A customer with the figures of their record: orders, lifetime value, what is active, what is behind. */
    record CustomerRecord(@JsonUnwrapped Customer customer, CustomerStats stats) {}

    /** The body of a create or update, for the API documentation; the fields are read by {@link CustomerFields}. */
    @Schema(name = "CustomerInput")
    record CustomerInput(
        @Schema(example = "Ada Lovelace", requiredMode = Schema.RequiredMode.REQUIRED) String name,
        @Schema(example = "ada@example.com", requiredMode = Schema.RequiredMode.REQUIRED) String email,
        @Schema(example = "+14155550123", description = "E.164; null clears it") String phone,
        List<String> tags,
        Map<String, String> metadata,
        Boolean marketingConsent) {}

    /** The fields a change may send, each optional (the same as a create's). */
    @Schema(name = "CustomerChange")
    record CustomerChange(
        @Schema(example = "Ada Lovelace", description = FieldErrors.NULL_REFUSED) String name,
        @Schema(example = "ada@example.com", description = FieldErrors.NULL_REFUSED) String email,
        @Schema(example = "+14155550123", description = "E.164; null clears it") String phone,
        @Schema(description = "The whole list; null empties it") List<String> tags,
        @Schema(description = "The whole map; null empties it") Map<String, String> metadata,
        @Schema(description = FieldErrors.NULL_REFUSED) Boolean marketingConsent) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping
    @Operation(summary = "Create a customer", description = "name and email are required; an email belongs to one "
        + "customer per account. Raises customer.created.")
    ResponseEntity<Customer> create(Caller caller,
        @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(schema = @Schema(implementation = CustomerInput.class))) @RequestBody JsonNode body) {
        var errors = new FieldErrors();
        var fields = CustomerFields.forCreate(body, errors);
        errors.throwIfAny();
        var customer = customers.create(caller.accountId(), fields);
        return ResponseEntity.created(URI.create("/api/v1/customers/" + customer.id())).body(customer);
    }

    @GetMapping
    @Operation(summary = "List or search customers", description = "Newest first. query matches any part of the "
        + "name or email, in any case.")
    Page<Customer> list(Caller caller, @RequestParam(required = false) String query,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        var errors = new FieldErrors();
        var page = PageRequest.of(limit, cursor, "cus", errors);
        if (query != null && query.length() > 200) {
            errors.add("query", "too_long", "must be at most 200 characters");
        }
        errors.throwIfAny();
        return customers.list(caller.accountId(), query == null || query.isBlank() ? null : query, page);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Read a customer", description = "With stats: paid orders, lifetime value per currency "
        + "(payments less refunds and disputed payments), what is disputed (charged back) per currency, active "
        + "subscriptions and payment plans, and how many are behind on a payment.")
    CustomerRecord get(Caller caller, @PathVariable String id) {
        return new CustomerRecord(customers.get(caller.accountId(), id), stats.of(caller.accountId(), id));
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Update a customer", description = "Only the fields sent change. A null clears phone and "
        + "empties tags or metadata; for name, email or marketing_consent it is refused (400, naming the field): leave "
        + "a field out to keep it. Raises customer.updated "
        + "with previous_attributes, and customer.marketing_consent_changed when consent changes. A changed email is not "
        + "pushed to connected systems (CRMs, mailing tools): update it there too.")
    Customer update(Caller caller, @PathVariable String id,
        @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(schema = @Schema(implementation = CustomerChange.class))) @RequestBody JsonNode body) {
        // Another account's customer (or none) is not found whatever the body holds, as on every operation.
        customers.get(caller.accountId(), id);
        var errors = new FieldErrors();
        var fields = CustomerFields.forUpdate(body, errors);
        errors.throwIfAny();
        return customers.update(caller.accountId(), id, fields);
    }

    @GetMapping("/{id}/personal_data")
    @Operation(summary = "Export a customer's personal data", description = "The copy of their data a buyer may ask "
        + "for (GDPR art. 15 and 20): the customer and, in records, every list of what Till keeps about them — cards, "
        + "orders with their items, subscriptions, payment plans, invoices, payments, refunds, credit entries, events, "
        + "automation runs and the actions they took (emails as rendered and sent), tasks, dev mailbox messages and "
        + "portal sessions — oldest first. Connected systems (Stripe, CRMs) keep their own.")
    PersonalDataRequests.Copy copyOfPersonalData(Caller caller, @PathVariable String id) {
        return personalData.export(caller.accountId(), id);
    }

    @PostMapping("/{id}/redact")
    @Operation(summary = "Erase a customer's personal data", description = "For a buyer who asks to be forgotten. "
        + "Cannot be undone. The customer and their orders, payments, invoices, subscriptions and runs stay, for the "
        + "books and the history; their name becomes [redacted], their email <id>@redacted.invalid, and their phone, "
        + "tags, metadata, marketing consent, saved cards, billing addresses (except the country), cancellation words "
        + "and portal sessions are gone; the same values are replaced by [redacted] in their events, runs (runs not "
        + "yet ended are canceled), tasks, webhook deliveries and dev mailbox messages. 409 invalid_state, naming each, "
        + "while a subscription (any status but canceled), an active or unpaid payment plan, an open invoice or a "
        + "pending order of theirs remains: cancel, void or finish them first. Asked again, answers the redacted "
        + "customer. Raises customer.redacted, which carries no personal data: systems that keep a copy (Stripe, "
        + "CRMs, mailing tools) are not changed by Till, and listen to it to erase theirs.")
    Customer redact(Caller caller, @PathVariable String id) {
        return personalData.redact(caller.accountId(), id);
    }
}
