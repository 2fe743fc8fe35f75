package io.till.testclock;

import io.till.account.Brandings;
import io.till.account.StoreTime;
import io.till.automation.RunsStartedBetween;
import io.till.event.EventWords;
import io.till.event.Events;
import io.till.shared.Caller;
import io.till.shared.TillException;
import io.till.shared.web.DashboardReturn;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The "Advance" control of the dashboard's sandbox banner: moves the test clock as {@code POST /api/v1/test_clock/advance}
 * does (the same {@link TestClock}, so everything due on the way runs in order), then goes back to the page it was
 * used on with a flash saying where the clock stands, what happened on the way and which automations ran.
 */
@Controller
class TestClockPages {

    private final TestClock testClock;
    private final Brandings brandings;
    private final Events events;
    private final RunsStartedBetween runs;

    TestClockPages(TestClock testClock, Brandings brandings, Events events, RunsStartedBetween runs) {
        this.testClock = testClock;
        this.events = events;
        this.brandings = brandings;
        this.runs = runs;
    }

    /**
     * @param by an ISO-8601 duration (the banner offers an hour, a day, a week, 30 days)
     * @param to a day (yyyy-MM-dd) to move to, at its midnight in the store's time zone (as the banner shows the
     *     clock); when given it wins over {@code by}
     */
    @PostMapping("/admin/test-clock/advance")
    String advance(Caller.Staff staff, @RequestParam(defaultValue = "") String by,
        @RequestParam(defaultValue = "") String to, @RequestParam(defaultValue = "") String back,
        @RequestHeader(name = "Referer", required = false) String referer, RedirectAttributes redirect) {
        ZoneId zone = brandings.zone(staff.accountId());
        try {
            var advanced = to.isBlank()
                ? testClock.advance(staff.accountId(), by.isBlank() ? null : by, null)
                : testClock.advance(staff.accountId(), null, midnight(to.strip(), zone));
            var ran = runs.countsBetween(staff.accountId(), advanced.from(), advanced.now());
            redirect.addFlashAttribute("flash", "Test clock advanced to " + StoreTime.minute(advanced.now(), zone)
                + ". " + happened(staff.accountId(), advanced) + automations(ran));
            if (!ran.isEmpty()) {
                redirect.addFlashAttribute("flashLink", "/admin/executions");
                redirect.addFlashAttribute("flashLinkText", "See the runs");
            }
        } catch (TillException e) {
            redirect.addFlashAttribute("flashError", "The test clock did not move: " + reason(staff, zone, e));
        }
        // Back to the page the banner was on (a page drawn for a refused form names its section instead: its own
        // address takes only that form's POST).
        return "redirect:" + DashboardReturn.to(back.isBlank() ? referer : back);
    }

    /** The most event types the flash names; the rest are counted. */
    private static final int NAMED = 6;

    /**
     * What moving the clock set off, in the seller's words: the events raised on the way ("On the way, across the
     * account: Payment failed ×2, Invoice overdue"), else how much due work ran. "Across the account": the flash shows
     * on the page the clock was moved from, a customer's record too, and the events are every customer's.
     */
    private String happened(String accountId, TestClock.Advanced advanced) {
        var counts = events.countsBetween(accountId, advanced.from(), advanced.now());
        if (counts.isEmpty()) {
            return ran(advanced.jobsRun());
        }
        return "On the way, across the account: " + listed(counts, EventWords::of, "kinds of event") + ".";
    }

    /** The automations that ran on the way, by name ("Automations ran: Payment dunning ×2."), or nothing. */
    private static String automations(Map<String, Long> ran) {
        if (ran.isEmpty()) {
            return "";
        }
        return " Automations ran: " + listed(ran, Function.identity(), "") + ".";
    }

    /** The first {@link #NAMED} of {@code counts} in words, each with its count past one, then how many more. */
    private static String listed(Map<String, Long> counts, Function<String, String> words, String moreOf) {
        var named = counts.entrySet().stream().limit(NAMED)
            .map(e -> words.apply(e.getKey()) + (e.getValue() > 1 ? " ×" + e.getValue() : ""))
            .collect(Collectors.joining(", "));
        int more = counts.size() - NAMED;
        return named + (more > 0 ? " and " + more + " more" + (moreOf.isEmpty() ? "" : " " + moreOf) : "");
    }

    private static String ran(int jobs) {
        return switch (jobs) {
            case 0 -> "Nothing was due on the way.";
            case 1 -> "1 piece of due work ran on the way (a renewal, retry, notice or automation step).";
            default -> jobs + " pieces of due work ran on the way (renewals, retries, notices, automation steps).";
        };
    }

    /**
     * The moment the API takes for the start of {@code day} in {@code zone}; a day that is not one is passed on as
     * typed, for the API's refusal to name it.
     */
    private static String midnight(String day, ZoneId zone) {
        try {
            return LocalDate.parse(day).atStartOfDay(zone).toInstant().toString();
        } catch (DateTimeParseException e) {
            return day;
        }
    }

    private String reason(Caller.Staff staff, ZoneId zone, TillException e) {
        if (e.errors().isEmpty()) {
            return e.getMessage();
        }
        var first = e.errors().getFirst();
        if ("to".equals(first.field()) && first.code().equals("out_of_range") && first.message().startsWith(
            "must be after")) {
            // The API's words name the clock's time as an ISO instant; staff read it as the banner shows it.
            return "the date must be after the clock's time, " + StoreTime.minute(testClock.state(
                staff.accountId()).now(), zone) + ": the clock only moves forward.";
        }
        return ("to".equals(first.field()) ? "the date " : "the step ") + first.message() + ".";
    }
}
