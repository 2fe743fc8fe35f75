package io.till.portal;

import java.time.Duration;
import java.util.List;

/**
 * What the seller lets buyers do in the customer portal, and which receipt emails Till sends them (PRODUCT.md §6,
 * seed 003). An account that never saved settings has {@link #DEFAULTS}.
 *
 * @param selfCancel whether buyers may cancel their own subscriptions (never payment plans)
 * @param cancelReasons the reasons offered when a buyer cancels, besides free text
 * @param allowedEmbedOrigins origins ({@code https://host[:port]}, {@code http://localhost[:port]}) that may frame the
 *     portal; empty means none may
 * @param cardLinkValidity how long a {@code {{portal.card_update_url}}} link works
 * @param footer free text under every receipt and receipt email, or null for none
 */
public record PortalSettings(boolean selfCancel, List<String> cancelReasons, List<String> allowedEmbedOrigins,
    Duration cardLinkValidity, ReceiptEmails receiptEmails, String footer) {

    /** Seed 003: self-cancel on, card links for a week, receipt emails off. */
    public static final PortalSettings DEFAULTS = new PortalSettings(true,
        List.of("It costs too much", "I don't use it enough", "It is missing something I need",
            "I am switching to another service"),
        List.of(), Duration.ofDays(7), ReceiptEmails.OFF, null);

    public PortalSettings {
        cancelReasons = List.copyOf(cancelReasons);
        allowedEmbedOrigins = List.copyOf(allowedEmbedOrigins);
    }

    /** Which payments get a receipt email (seed 003 "Customer Notifications"); all off by default. */
    public record ReceiptEmails(boolean initialOrder, boolean subscriptionRenewals, boolean planInstallments) {

        public static final ReceiptEmails OFF = new ReceiptEmails(false, false, false);
    }
}
