package io.till.admin;

import io.till.access.SignInRefusal;
import io.till.account.Accounts;
import io.till.account.ApiKeys;
import io.till.shared.Caller;
import io.till.shared.PageRequest;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The staff dashboard: for now the account and its API keys. */
@Controller
class AdminController {

    private final Accounts accounts;
    private final ApiKeys apiKeys;

    AdminController(Accounts accounts, ApiKeys apiKeys) {
        this.accounts = accounts;
        this.apiKeys = apiKeys;
    }

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

    @GetMapping("/admin")
    String dashboard(Caller.Staff staff, Model model) {
        model.addAttribute("staff", staff);
        model.addAttribute("account", accounts.get(staff.accountId()));
        model.addAttribute("apiKeys", apiKeys.list(staff.accountId(), null, PageRequest.of(100, null, "key")).data());
        return "admin/dashboard";
    }

    @PostMapping("/admin/api-keys")
    String createApiKey(Caller.Staff staff, @RequestParam(defaultValue = "") String name,
        RedirectAttributes redirect) {
        String keyName = name.isBlank() ? "Dashboard key" : name.strip();
        if (keyName.length() > 100) {
            keyName = keyName.substring(0, 100);
        }
        var created = apiKeys.create(accounts.get(staff.accountId()), keyName);
        redirect.addFlashAttribute("createdKey", created);
        return "redirect:/admin";
    }

    @PostMapping("/admin/api-keys/{id}/revoke")
    String revokeApiKey(Caller.Staff staff, @PathVariable String id) {
        apiKeys.revoke(staff.accountId(), id);
        return "redirect:/admin";
    }
}
