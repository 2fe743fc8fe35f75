package io.till.admin;

import io.till.access.SignInRefusal;
import io.till.access.StaffSessions;
import io.till.shared.RealTime;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The way in: the sign-in page and the dashboard's home. */
@Controller
class AdminController {

    private static final DateTimeFormatter UNTIL = DateTimeFormatter.ofPattern("HH:mm 'UTC'", Locale.ENGLISH)
        .withZone(ZoneOffset.UTC);

    private final StaffSessions staffSessions;
    private final Clock realTime;

    AdminController(StaffSessions staffSessions, @RealTime Clock realTime) {
        this.staffSessions = staffSessions;
        this.realTime = realTime;
    }

    @GetMapping("/")
    String root() {
        return "redirect:/admin";
    }

    @GetMapping("/admin/login")
    String login(HttpServletRequest request, @RequestParam(required = false) String ended, Model model) {
        // The throttle shows this page (as a 429) for an attempt it refused: say until when, to the minute.
        SignInRefusal.retryAfter(request).ifPresent(wait -> {
            model.addAttribute("retryAfterMinutes", Math.max(1, (wait.toSeconds() + 59) / 60));
            model.addAttribute("retryAt", UNTIL.format(realTime.instant().plus(wait).plusSeconds(59)));
        });
        // A failed attempt's email comes as a flash attribute (SignInFailureHandler); a refused one's from the request.
        SignInRefusal.email(request).ifPresent(email -> model.addAttribute("email", email));
        staffSessions.endedMessage(ended).ifPresent(message -> model.addAttribute("endedMessage", message));
        return "admin/login";
    }

    /** Staff come to look someone up far more often than anything else (seed 004), so home is the customer list. */
    @GetMapping("/admin")
    String home() {
        return "redirect:/admin/customers";
    }
}
