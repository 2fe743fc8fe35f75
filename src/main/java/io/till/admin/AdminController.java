package io.till.admin;

import io.till.access.SignInRefusal;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** The way in: the sign-in page, the dashboard's home, and the sections that come with the next release. */
@Controller
class AdminController {

    @GetMapping("/")
    String root() {
        return "redirect:/admin";
    }

    @GetMapping("/admin/login")
    String login(HttpServletRequest request, Model model) {
        // The throttle shows this page (as a 429) for an attempt it refused.
        SignInRefusal.retryAfter(request)
            .ifPresent(wait -> model.addAttribute("retryAfterMinutes", Math.max(1, (wait.toSeconds() + 59) / 60)));
        return "admin/login";
    }

    /** Staff come to look someone up far more often than anything else (seed 004), so home is the customer list. */
    @GetMapping("/admin")
    String home() {
        return "redirect:/admin/customers";
    }

    /** A section of the navigation not built yet says so, instead of a 404 that looks like a broken link. */
    @GetMapping("/admin/{section:automations|executions|tasks|webhooks}")
    String comingSoon(@PathVariable String section, Model model) {
        model.addAttribute("heading", AdminFrame.SECTIONS.stream()
            .filter(s -> s.key().equals(section))
            .findFirst()
            .orElseThrow()
            .label());
        return "admin/coming";
    }
}
