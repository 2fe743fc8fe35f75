package io.till.billing;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/test_clock")
@Tag(name = "Test clock (sandbox)")
class TestClockController {

    private final TestClock testClock;

    TestClockController(TestClock testClock) {
        this.testClock = testClock;
    }

    @GetMapping
    @Operation(summary = "Read the sandbox clock", description = "Its time, how far it runs ahead of real time, and "
        + "how many billing jobs are waiting.")
    TestClock.State get(Caller caller) {
        return testClock.state(caller.accountId());
    }

    record Advance(String by, String to) {}

    @PostMapping("/advance")
    @Operation(summary = "Move the sandbox clock forward", description = "{\"by\": \"P3D\"} or {\"to\": \"2027-01-01T00:00:00Z\"}. Everything that falls due on the way "
        + "(renewals, installments, retries, notices) runs at its own time and in order before the answer.")
    TestClock.Advanced advance(Caller caller, @RequestBody Advance body) {
        var errors = new FieldErrors();
        Instant now = testClock.state(caller.accountId()).now();
        Instant target = null;
        if ((body.by() == null) == (body.to() == null)) {
            errors.add("by", "required", "give either by (an ISO-8601 duration such as P3D) or to (a time)");
        } else if (body.by() != null) {
            try {
                Duration by = Duration.parse(body.by());
                if (by.isNegative() || by.isZero() || by.compareTo(TestClock.MAX_ADVANCE) > 0) {
                    errors.add("by", "out_of_range", "must be positive and at most " + TestClock.MAX_ADVANCE.toDays()
                        + " days; the clock only moves forward");
                } else {
                    target = now.plus(by);
                }
            } catch (DateTimeParseException e) {
                errors.add("by", "invalid_format", "must be an ISO-8601 duration such as P3D or PT2H");
            }
        } else {
            try {
                target = Instant.parse(body.to());
                if (!target.isAfter(now)) {
                    errors.add("to", "out_of_range", "must be after the clock's time, " + now);
                } else if (Duration.between(now, target).compareTo(TestClock.MAX_ADVANCE) > 0) {
                    errors.add("to", "out_of_range", "is more than " + TestClock.MAX_ADVANCE.toDays() + " days ahead");
                }
            } catch (DateTimeParseException e) {
                errors.add("to", "invalid_format", "must be an ISO-8601 time such as 2027-01-01T00:00:00Z");
            }
        }
        errors.throwIfAny();
        return testClock.advanceTo(caller.accountId(), target);
    }
}
