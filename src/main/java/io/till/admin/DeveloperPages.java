package io.till.admin;

import io.till.account.Accounts;
import io.till.account.ApiKey;
import io.till.account.ApiKeys;
import io.till.idempotency.FormSubmissions;
import io.till.shared.Caller;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
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
    private final FormSubmissions submissions;

    DeveloperPages(Accounts accounts, ApiKeys apiKeys, FormSubmissions submissions) {
        this.accounts = accounts;
        this.apiKeys = apiKeys;
        this.submissions = submissions;
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
        model.addAttribute("formKey", FormSubmissions.newKey());
        return "admin/api_keys";
    }

    /**
     * Creates a key once per form: a double click or a resent form made a second live key, unseen (its flash
     * replaced by the first's). The key itself is shown once, to the submit that made it; a repeat says so.
     */
    @PostMapping(API_KEYS)
    String createApiKey(Caller.Staff staff, @RequestParam(defaultValue = "") String name,
        @RequestParam(name = FormSubmissions.FIELD, required = false) String formKey, RedirectAttributes redirect) {
        String keyName = name.isBlank() ? "Dashboard key" : name.strip();
        if (keyName.length() > 100) {
            keyName = keyName.substring(0, 100);
        }
        String named = keyName;
        var made = new AtomicReference<ApiKey.Created>();
        try {
            submissions.once(staff.accountId(), formKey, API_KEYS + "?name=" + URLEncoder.encode(named,
                StandardCharsets.UTF_8), () -> {
                    made.set(apiKeys.create(accounts.get(staff.accountId()), named, staff));
                    return made.get().id();
                });
        } catch (TillException refused) {
            redirect.addFlashAttribute("flashError", refused.getMessage() + " No key was created.");
            return "redirect:" + API_KEYS;
        }
        if (made.get() == null) {
            redirect.addFlashAttribute("flash", "API key \u201c" + named + "\u201d was created when this form was "
                + "first sent, and its key shown then, once. If it was not copied, revoke it and create another.");
            return "redirect:" + API_KEYS;
        }
        redirect.addFlashAttribute("createdKey", made.get());
        redirect.addFlashAttribute("flash", "API key \u201c" + named + "\u201d created.");
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
