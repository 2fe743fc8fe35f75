package io.till.testclock;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import java.time.Instant;
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
    @Operation(summary = "Move the sandbox clock forward", description = "{\"by\": \"P3D\"} (days and hours, or calendar months: P1M) or {\"to\": \"2027-01-01T00:00:00Z\"}. Everything that falls due on the way "
        + "(renewals, installments, retries, notices) runs at its own time and in order before the answer.")
    TestClock.Advanced advance(Caller caller, @RequestBody Advance body) {
        return testClock.advance(caller.accountId(), body.by(), body.to());
    }
}
