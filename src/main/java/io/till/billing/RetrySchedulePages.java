package io.till.billing;

import io.till.shared.Caller;
import io.till.shared.FieldError;
import io.till.shared.TillException;
import io.till.shared.web.FormErrors;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Settings › Payment retries: the schedules of {@code GET/PUT /api/v1/retry_schedule}, saved through the same
 * {@link RetrySchedules#save} and its checks. Sellers think in days, so each schedule is typed as days after the
 * first attempt ("1, 3, 5"); an ISO-8601 duration ("PT12H") is taken as well.
 */
@Controller
class RetrySchedulePages {

    static final String PATH = "/admin/settings/retries";

    private final RetrySchedules schedules;

    RetrySchedulePages(RetrySchedules schedules) {
        this.schedules = schedules;
    }

    record RetryForm(String subscriptionRetries, String paymentPlanRetries) {}

    @GetMapping(PATH)
    String retries(Caller.Staff staff, Model model) {
        var schedule = schedules.get(staff.accountId());
        return page(new RetryForm(shown(schedule.subscriptions()), shown(schedule.paymentPlans())), Map.of(), model);
    }

    @PostMapping(PATH)
    String save(Caller.Staff staff, @RequestParam(defaultValue = "") String subscriptionRetries,
        @RequestParam(defaultValue = "") String paymentPlanRetries, Model model, RedirectAttributes redirect,
        HttpServletResponse response) {
        try {
            schedules.save(staff.accountId(), new RetryScheduleBody(typed(subscriptionRetries),
                typed(paymentPlanRetries)));
        } catch (TillException e) {
            response.setStatus(e.code().status().value());
            return page(new RetryForm(subscriptionRetries, paymentPlanRetries),
                FormErrors.ofLists(inDays(e), retry -> "Retry " + retry + " "), model);
        }
        redirect.addFlashAttribute("flash", "Retry schedules saved. They apply to payments that fail from now on.");
        return "redirect:" + PATH;
    }

    /** The API's refusal in the words of this form, where retries are typed as days ("1, 3, 5"). */
    private static TillException inDays(TillException refused) {
        return new TillException(refused.code(), refused.getMessage(), refused.errors().stream()
            .map(error -> error.code().equals("invalid_duration")
                ? new FieldError(error.field(), error.code(), "must be a number of days from 1 to 60, such as 3 (or "
                    + "a duration such as PT12H, from 1 hour)")
                : error)
            .toList());
    }

    private static String page(RetryForm form, Map<String, String> errors, Model model) {
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        return "billing/retries";
    }

    /** "1, 3, 5" as durations; a number is days, anything else is passed on as typed for the check to name. */
    private static List<String> typed(String text) {
        return Arrays.stream(text.split("[,;\\s]+"))
            .filter(token -> !token.isEmpty())
            .map(token -> token.matches("\\d{1,4}") ? "P" + token + "D" : token.toUpperCase(java.util.Locale.ROOT))
            .toList();
    }

    private static String shown(List<Duration> retries) {
        return retries.stream()
            .map(retry -> retry.toSeconds() % 86_400 == 0 ? String.valueOf(retry.toDays()) : retry.toString())
            .collect(Collectors.joining(", "));
    }
}
