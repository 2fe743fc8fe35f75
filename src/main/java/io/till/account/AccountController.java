package io.till.account;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Account")
class AccountController {

    private final Accounts accounts;
    private final Brandings brandings;
    private final BrandingChanges changes;

    AccountController(Accounts accounts, Brandings brandings, BrandingChanges changes) {
        this.accounts = accounts;
        this.brandings = brandings;
        this.changes = changes;
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
        return changes.replace(caller.accountId(), body);
    }
}
