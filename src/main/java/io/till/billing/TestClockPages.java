package io.till.billing;

import io.till.shared.Caller;
import io.till.shared.TillException;
import io.till.shared.web.DashboardReturn;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The "Advance" control of the dashboard's sandbox banner: moves the test clock as {@code POST /api/v1/test_clock/advance}
 * does (the same {@link TestClock}, so everything due on the way runs in order), then goes back to the page it was
 * used on with a flash saying where the clock stands and how much work ran.
 */
@Controller
class TestClockPages {

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("MMM d, yyyy · HH:mm 'UTC'",
        Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final TestClock testClock;

    TestClockPages(TestClock testClock) {
        this.testClock = testClock;
    }

    /**
     * @param by an ISO-8601 duration (the banner offers an hour, a day, a week, 30 days)
     * @param to a day (yyyy-MM-dd) to move to, at midnight UTC; when given it wins over {@code by}
     */
    @PostMapping("/admin/test-clock/advance")
    String advance(Caller.Staff staff, @RequestParam(defaultValue = "") String by,
        @RequestParam(defaultValue = "") String to, @RequestHeader(name = "Referer", required = false) String referer,
        RedirectAttributes redirect) {
        try {
            var advanced = to.isBlank()
                ? testClock.advance(staff.accountId(), by.isBlank() ? null : by, null)
                : testClock.advance(staff.accountId(), null, to.strip() + "T00:00:00Z");
            redirect.addFlashAttribute("flash", "Test clock advanced to " + SHOWN.format(advanced.now()) + ". "
                + ran(advanced.jobsRun()));
        } catch (TillException e) {
            redirect.addFlashAttribute("flashError", "The test clock did not move: " + reason(staff, e));
        }
        return "redirect:" + DashboardReturn.to(referer);
    }

    private static String ran(int jobs) {
        return switch (jobs) {
            case 0 -> "Nothing was due on the way.";
            case 1 -> "1 piece of due work ran on the way (a renewal, retry, notice or automation step).";
            default -> jobs + " pieces of due work ran on the way (renewals, retries, notices, automation steps).";
        };
    }

    private String reason(Caller.Staff staff, TillException e) {
        if (e.errors().isEmpty()) {
            return e.getMessage();
        }
        var first = e.errors().getFirst();
        if ("to".equals(first.field()) && first.code().equals("out_of_range") && first.message().startsWith(
            "must be after")) {
            // The API's words name the clock's time as an ISO instant; staff read it as the banner shows it.
            return "the date must be after the clock's time, " + SHOWN.format(testClock.state(staff.accountId())
                .now()) + ": the clock only moves forward.";
        }
        return ("to".equals(first.field()) ? "the date " : "the step ") + first.message() + ".";
    }
}
