package io.till.automation;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TimeRange;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/executions")
@Tag(name = "Executions")
class ExecutionController {

    private final Executions executions;
    private final Clock clock;

    ExecutionController(Executions executions, Clock clock) {
        this.executions = executions;
        this.clock = clock;
    }

    @GetMapping
    @Operation(summary = "List executions", description = "Newest first; filter by automation, status, customer, and the time "
        + "they started: created_from (inclusive) and created_to (exclusive), each a moment or a day.")
    Page<Execution> list(Caller caller, @RequestParam(name = "automation_id", required = false) String automationId,
        @RequestParam(name = "status", required = false) String statusParam,
        @RequestParam(name = "customer_id", required = false) String customerId,
        @RequestParam(name = "created_from", required = false) String createdFrom,
        @RequestParam(name = "created_to", required = false) String createdTo,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        var errors = new FieldErrors();
        var page = PageRequest.of(limit, cursor, "exe", errors);
        // Blank is no filter, as on every other list.
        String status = statusParam == null || statusParam.isBlank() ? null : statusParam.strip();
        if (status != null && !AutomationConfiguration.EXECUTION_STATUSES.contains(status)) {
            errors.add("status", "invalid_value",
                "must be one of " + String.join(", ", AutomationConfiguration.EXECUTION_STATUSES));
        }
        String automation = errors.idParam("automation_id", automationId, "aut", "an automation");
        String customer = errors.idParam("customer_id", customerId, "cus", "a customer");
        var created = TimeRange.of(createdFrom, createdTo, errors);
        errors.throwIfAny();
        return executions.list(caller.accountId(), new Executions.Filter(automation, status, customer, created
            .from(), created.to()), page);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Read an execution with its step-by-step log", description = "With the first 1,000 lines of "
        + "its log; when steps_has_more is true, GET /api/v1/executions/{id}/steps pages through all of them.")
    Execution get(Caller caller, @PathVariable String id) {
        return executions.read(caller.accountId(), id);
    }

    @GetMapping("/{id}/steps")
    @Operation(summary = "Page through an execution's step-by-step log", description = "Oldest first, 20 lines a page, "
        + "up to 100 with limit; a run may log up to 10,000.")
    Page<Execution.Step> steps(Caller caller, @PathVariable String id, @RequestParam(required = false) Integer limit,
        @RequestParam(required = false) String cursor) {
        var errors = new FieldErrors();
        var page = PageRequest.of(limit, cursor, Executions::isLineNumber, errors);
        errors.throwIfAny();
        return executions.log(caller.accountId(), id, page);
    }

    @PostMapping("/{id}/retry")
    @Operation(summary = "Retry a failed execution from the step that failed")
    Execution retry(Caller caller, @PathVariable String id) {
        return executions.retry(caller.accountId(), id, Timestamps.now(clock));
    }

    @PostMapping("/{id}/cancel")
    @Operation(summary = "Cancel an execution that has not ended")
    Execution cancel(Caller caller, @PathVariable String id) {
        return executions.cancel(caller.accountId(), id, Timestamps.now(clock));
    }
}
