package io.till.portal;

import io.swagger.v3.oas.annotations.media.Schema;
import io.till.shared.FieldErrors;
import io.till.shared.web.AlwaysAnswered;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The portal settings as the API reads and writes them. A PUT replaces them as a whole: a field left out takes its
 * default.
 */
@Schema(name = "PortalSettings")
public record PortalSettingsBody(
    @AlwaysAnswered @Schema(description = "Whether buyers may cancel their own subscriptions (never payment plans); default true") Boolean selfCancel,
    @Schema(description = "Reasons offered when a buyer cancels, besides free text: at most 10, each at most 100 "
        + "characters on one line") List<String> cancelReasons,
    @Schema(description = "Origins that may frame the portal (CSP frame-ancestors): https://host[:port] or "
        + "http://localhost[:port], no path, no wildcard; empty (the default) means none may", example = "[\"https://shop.example.com\"]") List<String> allowedEmbedOrigins,
    @Schema(description = "How long a {{portal.card_update_url}} link works: an ISO-8601 duration from PT1H to P30D; "
        + "default P7D", example = "P7D") @AlwaysAnswered String cardLinkValidity,
    @AlwaysAnswered @Schema(description = "Which payments get a receipt email; all off by default") ReceiptEmailsBody receiptEmails,
    @Schema(description = "Free text under every receipt and receipt email, at most 500 characters") String footer) {

    static final int MAX_REASONS = 10;
    static final int MAX_REASON_LENGTH = 100;
    static final int MAX_ORIGINS = 20;
    static final int MAX_FOOTER_LENGTH = 500;
    static final Duration SHORTEST_CARD_LINK = Duration.ofHours(1);
    static final Duration LONGEST_CARD_LINK = Duration.ofDays(30);

    private static final String LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
    // Scheme, host and port only: the value goes verbatim into a Content-Security-Policy header, so anything beyond
    // an origin (path, wildcard, space, semicolon) could widen or break the policy.
    private static final Pattern ORIGIN = Pattern.compile(
        "(?:https://" + LABEL + "(?:\\." + LABEL + ")*|http://localhost)(?::(\\d{1,5}))?");

    @Schema(name = "ReceiptEmails")
    public record ReceiptEmailsBody(
        @AlwaysAnswered @Schema(description = "A receipt for the order that starts it all") Boolean initialOrder,
        @AlwaysAnswered @Schema(description = "A receipt for each subscription renewal payment") Boolean subscriptionRenewals,
        @AlwaysAnswered @Schema(description = "A receipt for each payment plan installment after the first") Boolean planInstallments) {}

    public static PortalSettingsBody of(PortalSettings settings) {
        var emails = settings.receiptEmails();
        return new PortalSettingsBody(settings.selfCancel(), settings.cancelReasons(), settings.allowedEmbedOrigins(),
            format(settings.cardLinkValidity()), new ReceiptEmailsBody(emails.initialOrder(),
                emails.subscriptionRenewals(), emails.planInstallments()),
            settings.footer());
    }

    /** The settings this body asks for, or a validation failure naming every bad field. */
    public PortalSettings toSettings() {
        var errors = new FieldErrors();
        var defaults = PortalSettings.DEFAULTS;
        var reasons = cancelReasons == null ? defaults.cancelReasons() : reasons(errors);
        var origins = allowedEmbedOrigins == null ? defaults.allowedEmbedOrigins() : origins(errors);
        var validity = cardLinkValidity == null ? defaults.cardLinkValidity() : validity(errors);
        if (footer != null && (footer.isBlank() || footer.length() > MAX_FOOTER_LENGTH
            || footer.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r'))) {
            errors.add("footer", "invalid_value", "must be 1 to " + MAX_FOOTER_LENGTH + " characters (line breaks "
                + "allowed)");
        }
        errors.throwIfAny();
        var emails = receiptEmails == null
            ? PortalSettings.ReceiptEmails.OFF
            : new PortalSettings.ReceiptEmails(on(receiptEmails.initialOrder()),
                on(receiptEmails.subscriptionRenewals()), on(receiptEmails.planInstallments()));
        return new PortalSettings(selfCancel == null ? defaults.selfCancel() : selfCancel, reasons, origins, validity,
            emails, footer);
    }

    private List<String> reasons(FieldErrors errors) {
        if (cancelReasons.size() > MAX_REASONS) {
            errors.add("cancel_reasons", "too_many", "must hold at most " + MAX_REASONS + " reasons");
            return List.of();
        }
        var seen = new LinkedHashSet<String>();
        for (int i = 0; i < cancelReasons.size(); i++) {
            String reason = cancelReasons.get(i);
            if (reason == null || reason.isBlank() || reason.length() > MAX_REASON_LENGTH
                || !FieldErrors.isOneLine(reason)) {
                errors.add("cancel_reasons[" + i + "]", "invalid_value",
                    "must be 1 to " + MAX_REASON_LENGTH + " characters on one line");
            } else if (!seen.add(reason.strip())) {
                errors.add("cancel_reasons[" + i + "]", "duplicate", "is already in the list");
            }
        }
        return List.copyOf(seen);
    }

    private List<String> origins(FieldErrors errors) {
        if (allowedEmbedOrigins.size() > MAX_ORIGINS) {
            errors.add("allowed_embed_origins", "too_many", "must hold at most " + MAX_ORIGINS + " origins");
            return List.of();
        }
        var origins = new LinkedHashSet<String>();
        for (int i = 0; i < allowedEmbedOrigins.size(); i++) {
            String origin = allowedEmbedOrigins.get(i);
            String lower = origin == null ? "" : origin.toLowerCase(Locale.ROOT);
            var matcher = ORIGIN.matcher(lower);
            if (lower.length() > 300 || !matcher.matches()
                || (matcher.group(1) != null && !validPort(matcher.group(1)))) {
                errors.add("allowed_embed_origins[" + i + "]", "invalid_origin", "must be an origin as "
                    + "https://host or https://host:port (or http://localhost[:port]), without path or wildcard");
            } else {
                origins.add(lower);
            }
        }
        return new ArrayList<>(origins);
    }

    private Duration validity(FieldErrors errors) {
        try {
            var duration = Duration.parse(cardLinkValidity);
            if (duration.compareTo(SHORTEST_CARD_LINK) >= 0 && duration.compareTo(LONGEST_CARD_LINK) <= 0) {
                return Duration.ofSeconds(duration.toSeconds());
            }
        } catch (DateTimeParseException e) {
            // reported below, as for an out-of-range duration
        }
        errors.add("card_link_validity", "invalid_duration",
            "must be an ISO-8601 duration from PT1H (1 hour) to P30D (30 days), such as P7D");
        return null;
    }

    private static boolean validPort(String port) {
        int value = Integer.parseInt(port);
        return value >= 1 && value <= 65_535;
    }

    private static boolean on(Boolean value) {
        return value != null && value;
    }

    /** Whole days as {@code P7D}, the rest as {@link Duration#toString()} ({@code PT36H}). */
    public static String format(Duration duration) {
        return duration.toSeconds() % 86_400 == 0 ? "P" + duration.toDays() + "D" : duration.toString();
    }
}
