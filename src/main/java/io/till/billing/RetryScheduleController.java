package io.till.billing;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Billing")
class RetryScheduleController {

    private final RetrySchedules schedules;

    RetryScheduleController(RetrySchedules schedules) {
        this.schedules = schedules;
    }

    @GetMapping("/api/v1/retry_schedule")
    @Operation(summary = "When failed subscription and payment plan payments are retried", description = "Each "
        + "retry counted from the invoice's first attempt; after the last, the subscription or plan is unpaid. An "
        + "account that never saved one gets the defaults (1, 3 and 5 days).")
    RetryScheduleBody retrySchedule(Caller caller) {
        return RetryScheduleBody.of(schedules.get(caller.accountId()));
    }

    @PutMapping("/api/v1/retry_schedule")
    @Operation(summary = "Replace the retry schedule", description = "A list left out takes its default. Applies to "
        + "payments that fail from now on.")
    RetryScheduleBody putRetrySchedule(Caller caller, @RequestBody RetryScheduleBody body) {
        return RetryScheduleBody.of(schedules.save(caller.accountId(), body));
    }
}
