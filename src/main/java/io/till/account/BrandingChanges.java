package io.till.account;

import io.till.egress.EgressClient;
import io.till.egress.EgressGuard;
import io.till.shared.FieldErrors;
import java.net.URI;
import org.springframework.stereotype.Component;

/** Replaces an account's branding after the checks the API and the dashboard share. */
@Component
public class BrandingChanges {

    private final Brandings brandings;
    private final EgressGuard guard;

    BrandingChanges(Brandings brandings, EgressGuard guard) {
        this.brandings = brandings;
        this.guard = guard;
    }

    /** Checks {@code branding} (a validation failure names every bad field) and stores it in place of the old one. */
    public Branding replace(String accountId, Branding branding) {
        var errors = new FieldErrors();
        branding.check(errors, "");
        // Till fetches the logo and icon itself (BrandImages): a literal reserved address is refused now, as for
        // webhooks; a host name is checked at every fetch.
        refusedHost(errors, "logo_url", branding.logoUrl());
        refusedHost(errors, "icon_url", branding.iconUrl());
        errors.throwIfAny();
        return brandings.put(accountId, branding);
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
