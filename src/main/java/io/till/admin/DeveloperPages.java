package io.till.admin;

import io.till.account.Accounts;
import io.till.account.ApiKeys;
import io.till.shared.Caller;
import io.till.shared.PageRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Developers: the account's API keys (webhook endpoints, the event log and the dev mailbox come next). */
@Controller
class DeveloperPages {

    private static final String API_KEYS = "/admin/developers/api-keys";

    private final Accounts accounts;
    private final ApiKeys apiKeys;

    DeveloperPages(Accounts accounts, ApiKeys apiKeys) {
        this.accounts = accounts;
        this.apiKeys = apiKeys;
    }

    @GetMapping("/admin/developers")
    String developers() {
        return "redirect:" + API_KEYS;
    }

    @GetMapping(API_KEYS)
    String apiKeys(Caller.Staff staff, Model model) {
        // Every key: one a deploy script made a hundred releases ago may still be in use, and is revoked from here.
        var keys = PageRequest.all(page -> apiKeys.list(staff.accountId(), null, page), io.till.account.ApiKey::id);
        model.addAttribute("apiKeys", keys);
        // A key made by a key names its maker by name, as the list shows it.
        model.addAttribute("keyNames", keys.stream().collect(java.util.stream.Collectors.toMap(
            io.till.account.ApiKey::id, io.till.account.ApiKey::name)));
        return "admin/api_keys";
    }

    @PostMapping(API_KEYS)
    String createApiKey(Caller.Staff staff, @RequestParam(defaultValue = "") String name,
        RedirectAttributes redirect) {
        String keyName = name.isBlank() ? "Dashboard key" : name.strip();
        if (keyName.length() > 100) {
            keyName = keyName.substring(0, 100);
        }
        var created = apiKeys.create(accounts.get(staff.accountId()), keyName, staff);
        redirect.addFlashAttribute("createdKey", created);
        redirect.addFlashAttribute("flash", "API key \u201c" + keyName + "\u201d created.");
        return "redirect:" + API_KEYS;
    }

    @PostMapping(API_KEYS + "/{id}/revoke")
    String revokeApiKey(Caller.Staff staff, @PathVariable String id, RedirectAttributes redirect) {
        int alsoRevoked = apiKeys.revoke(staff.accountId(), id).alsoRevoked();
        redirect.addFlashAttribute("flash",
            "API key revoked. Requests that use it are refused from now on (within seconds on every "
                + "server, when Till runs on several)."
                + switch (alsoRevoked) {
                    case 0 -> "";
                    case 1 -> " The key it made was revoked with it.";
                    default -> " The " + alsoRevoked + " keys it made were revoked with it.";
                });
        return "redirect:" + API_KEYS;
    }
}
