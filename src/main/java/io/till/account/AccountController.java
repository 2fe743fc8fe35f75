package io.till.account;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.egress.EgressClient;
import io.till.egress.EgressGuard;
import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import java.net.URI;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Account")
class AccountController {

    private final Accounts accounts;
    private final Brandings brandings;
    private final EgressGuard guard;

    AccountController(Accounts accounts, Brandings brandings, EgressGuard guard) {
        this.accounts = accounts;
        this.brandings = brandings;
        this.guard = guard;
    }

    @GetMapping("/api/v1/account")
    @Operation(summary = "The account the API key belongs to")
    Account account(Caller caller) {
        return accounts.get(caller.accountId());
    }

    @GetMapping("/api/v1/account/branding")
    @Operation(summary = "How the account's emails look and who they come from")
    Branding branding(Caller caller) {
        return brandings.get(caller.accountId());
    }

    @PutMapping("/api/v1/account/branding")
    @Operation(summary = "Replace the branding", description = "Every field is optional; one left out is cleared.")
    Branding putBranding(Caller caller, @RequestBody Branding body) {
        var errors = new FieldErrors();
        body.check(errors, "");
        // Till fetches the logo and icon itself (BrandImages): a literal reserved address is refused now, as for
        // webhooks; a host name is checked at every fetch.
        refusedHost(errors, "logo_url", body.logoUrl());
        refusedHost(errors, "icon_url", body.iconUrl());
        errors.throwIfAny();
        return brandings.put(caller.accountId(), body);
    }

    private void refusedHost(FieldErrors errors, String field, String url) {
        if (EgressClient.invalidUrl(url) != null) {
            // None, or a bad URL that Branding.check has named already.
            return;
        }
        guard.savedHostRefusal(URI.create(url).getHost())
            .ifPresent(refusal -> errors.add(field, "destination_refused", refusal));
    }
}
