package io.till.portal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Customer portal")
class PortalSettingsController {

    private final PortalSettingsStore settings;

    PortalSettingsController(PortalSettingsStore settings) {
        this.settings = settings;
    }

    @GetMapping("/api/v1/portal_settings")
    @Operation(summary = "What buyers may do in the customer portal and which receipt emails they get", description = "An account that never saved settings gets the defaults.")
    PortalSettingsBody portalSettings(Caller caller) {
        return PortalSettingsBody.of(settings.get(caller.accountId()));
    }

    @PutMapping("/api/v1/portal_settings")
    @Operation(summary = "Replace the portal settings", description = "Every field is optional; one left out takes its default. Every bad field is named.")
    PortalSettingsBody putPortalSettings(Caller caller, @RequestBody PortalSettingsBody body) {
        return PortalSettingsBody.of(settings.save(caller.accountId(), body));
    }
}
