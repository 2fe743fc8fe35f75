package io.till.task;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.billing.Invoices;
import io.till.customer.Customers;
import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/tasks")
@Tag(name = "Tasks")
class TaskController {

    private final Tasks tasks;
    private final Customers customers;
    private final Invoices invoices;

    TaskController(Tasks tasks, Customers customers, Invoices invoices) {
        this.tasks = tasks;
        this.customers = customers;
        this.invoices = invoices;
    }

    @GetMapping
    @Operation(summary = "List tasks", description = "Newest first; filter by status (open, done) or customer.")
    Page<Task> list(Caller caller, @RequestParam(name = "status", required = false) String statusParam,
        @RequestParam(name = "customer_id", required = false) String customerId,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        var errors = new FieldErrors();
        var page = PageRequest.of(limit, cursor, "task", errors);
        // Blank is no filter, as on every other list.
        String status = statusParam == null || statusParam.isBlank() ? null : statusParam.strip();
        if (status != null && !TaskListValues.STATUSES.contains(status)) {
            errors.add("status", "invalid_value", "must be one of " + String.join(", ", TaskListValues.STATUSES));
        }
        String customer = errors.idParam("customer_id", customerId, "cus", "a customer");
        errors.throwIfAny();
        return tasks.list(caller.accountId(), new Tasks.Filter(status, customer), page);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Read a task")
    Task get(Caller caller, @PathVariable String id) {
        return tasks.get(caller.accountId(), id);
    }

    /** The longest notes a task keeps, in characters. */
    static final int MAX_NOTES = 10_000;

    record TaskInput(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 500) String title,
        @Schema(maxLength = MAX_NOTES) String notes,
        String customerId, String invoiceId,
        @Schema(description = "The email of whoever should do it.", example = "ops@example.com") String assignee,
        Instant dueAt) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping
    @Operation(summary = "Create a task by hand")
    ResponseEntity<Task> create(Caller caller, @RequestBody TaskInput body) {
        var errors = new FieldErrors();
        if (body.title() == null || body.title().isBlank()) {
            errors.add("title", "required", "is required");
        } else if (body.title().length() > 500) {
            errors.add("title", "too_long", "must be at most 500 characters");
        }
        if (body.notes() != null && body.notes().length() > MAX_NOTES) {
            errors.add("notes", "too_long", "must be at most 10,000 characters");
        }
        if (body.assignee() != null && !Tasks.isAssignee(body.assignee())) {
            errors.add("assignee", "invalid_format", "must be the email of whoever should do it, such as "
                + "ops@example.com");
        }
        if (body.customerId() != null && customers.find(caller.accountId(), body.customerId()).isEmpty()) {
            errors.add("customer_id", "not_found", "no customer " + body.customerId() + " in this account");
        }
        var invoice = body.invoiceId() == null ? null : invoices.find(caller.accountId(), body.invoiceId());
        if (invoice != null && invoice.isEmpty()) {
            errors.add("invoice_id", "not_found", "no invoice " + body.invoiceId() + " in this account");
        } else if (invoice != null && body.customerId() != null && !invoice.get().customerId().equals(body
            .customerId())) {
            // Staff would call one customer about another's debt, shown beside their name.
            errors.add("invoice_id", "not_theirs", "is an invoice of another customer than " + body.customerId());
        }
        errors.throwIfAny();
        // A task about an invoice is about its customer: listed under them, as one made with both is.
        String customerId = body.customerId() != null || invoice == null
            ? body.customerId()
            : invoice.get().customerId();
        var task = tasks.create(caller.accountId(), new Tasks.NewTask(body.title().strip(), body.notes(),
            customerId, body.invoiceId(), body.assignee(), body.dueAt(), null, null));
        return ResponseEntity.created(URI.create("/api/v1/tasks/" + task.id())).body(task);
    }

    @PostMapping("/{id}/complete")
    @Operation(summary = "Mark a task done")
    Task complete(Caller caller, @PathVariable String id) {
        return tasks.complete(caller.accountId(), id);
    }
}
