package io.till.portal;

import io.till.receipt.ReceiptPreferences;
import org.springframework.stereotype.Component;

/** The receipts' footer and receipt emails, as the portal settings say. */
@Component
class PortalReceiptPreferences implements ReceiptPreferences {

    private final PortalSettingsStore settings;

    PortalReceiptPreferences(PortalSettingsStore settings) {
        this.settings = settings;
    }

    @Override
    public String footer(String accountId) {
        return settings.get(accountId).footer();
    }

    @Override
    public boolean emailWanted(String accountId, PaidFor paidFor) {
        var emails = settings.get(accountId).receiptEmails();
        return switch (paidFor) {
            case INITIAL_ORDER -> emails.initialOrder();
            case SUBSCRIPTION_RENEWAL -> emails.subscriptionRenewals();
            case PLAN_INSTALLMENT -> emails.planInstallments();
        };
    }
}
