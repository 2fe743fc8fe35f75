package io.till.account;

import io.till.egress.EgressClient;
import io.till.shared.EmailAddresses;
import io.till.shared.FieldErrors;
import java.net.URI;
import java.time.ZoneId;
import java.util.regex.Pattern;

/**
 * How the account's messages look and who they come from. Every field may be null: {@link #senderName()} falls back to
 * the company name, which falls back to the account's name.
 *
 * @param brandColor {@code #RRGGBB}
 * @param iconUrl a square mark for where the logo does not fit (the portal's tab icon, small headers)
 * @param timeZone the store's time zone ({@code Europe/Berlin}), in which emails and receipts write their days; null
 *     means UTC. Billing periods do not depend on it.
 */
public record Branding(String senderName, String supportEmail, String companyName, String logoUrl, String brandColor,
    String iconUrl, String timeZone) {

    /** The customer portal's colour for an account that chose none. */
    public static final String PORTAL_COLOR = "#3b5bdb";

    public static final Branding NONE = new Branding(null, null, null, null, null, null, null);

    private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");

    /** Adds every bad field to {@code errors}, each under {@code path}. */
    public void check(FieldErrors errors, String path) {
        text(errors, path + "sender_name", senderName, 100);
        text(errors, path + "company_name", companyName, 200);
        if (supportEmail != null && !EmailAddresses.isPlain(supportEmail)) {
            errors.add(path + "support_email", "invalid_email", "must be an email address");
        }
        webUrl(errors, path + "logo_url", logoUrl);
        webUrl(errors, path + "icon_url", iconUrl);
        if (brandColor != null && !COLOR.matcher(brandColor).matches()) {
            errors.add(path + "brand_color", "invalid_color", "must be a color as #RRGGBB");
        }
        if (timeZone != null && !isTimeZone(timeZone)) {
            errors.add(path + "time_zone", "invalid_time_zone",
                "must be a time zone by its name, such as America/New_York, Europe/Berlin or UTC");
        }
    }

    /**
     * Where the account's emails, receipts and dashboard write their days: the chosen time zone, else UTC (by that
     * name, which PostgreSQL's {@code AT TIME ZONE} reads too).
     */
    public ZoneId zone() {
        return ZoneId.of(timeZone == null ? "UTC" : timeZone);
    }

    /**
     * A time zone by its region name ({@code Europe/Berlin}) or {@code UTC}; fixed offsets ({@code +02:00}) are
     * refused, since they would be wrong for half of the year wherever clocks change.
     */
    public static boolean isTimeZone(String name) {
        // Etc/GMT+5 is a fixed offset too, by a region's name (and west of Greenwich, despite its plus); Etc/UTC and
        // its other names are UTC itself, which many systems report.
        return name.equals("UTC") || ZoneId.getAvailableZoneIds().contains(name) && name.contains("/")
            && !name.matches("Etc/GMT[+-]\\d+");
    }

    /** The name shown in From: the sender name, else the company name, else {@code fallback} (the account's name). */
    public String senderNameOr(String fallback) {
        return senderName != null ? senderName : companyNameOr(fallback);
    }

    public String companyNameOr(String fallback) {
        return companyName != null ? companyName : fallback;
    }

    /**
     * The text colour that reads on {@code background} ({@code #RRGGBB}): near-black on light colours, white on dark
     * ones, whichever has the higher WCAG contrast.
     */
    public static String inkOn(String background) {
        // Equal contrast against #111827 (luminance ~0.012) and #ffffff lies near 0.18.
        return luminance(background) > 0.18 ? "#111827" : "#ffffff";
    }

    /**
     * The brand colour as text and outlines on the pages' white: {@code color} itself when it reads there (WCAG AA, a
     * contrast of 4.5 or more), else the same hue darkened until it does; a pale yellow brand still marks a focused
     * field or a link visibly.
     */
    public static String textOnWhite(String color) {
        int[] rgb = new int[3];
        for (int i = 0; i < 3; i++) {
            rgb[i] = Integer.parseInt(color.substring(1 + 2 * i, 3 + 2 * i), 16);
        }
        String shade = color.toLowerCase(java.util.Locale.ROOT);
        // 1.05 / (L + 0.05) >= 4.5 against white's luminance of 1.
        while (luminance(shade) > 0.1833) {
            for (int i = 0; i < 3; i++) {
                rgb[i] = rgb[i] * 9 / 10;
            }
            shade = "#%02x%02x%02x".formatted(rgb[0], rgb[1], rgb[2]);
        }
        return shade;
    }

    /** The WCAG relative luminance of {@code color} ({@code #RRGGBB}), 0 for black to 1 for white. */
    private static double luminance(String color) {
        double luminance = 0;
        double[] weights = {0.2126, 0.7152, 0.0722};
        for (int i = 0; i < 3; i++) {
            double channel = Integer.parseInt(color.substring(1 + 2 * i, 3 + 2 * i), 16) / 255.0;
            channel = channel <= 0.03928 ? channel / 12.92 : Math.pow((channel + 0.055) / 1.055, 2.4);
            luminance += weights[i] * channel;
        }
        return luminance;
    }

    /**
     * {@code color} ({@code #RRGGBB}) as the CSS variables {@code --brand}, {@code --brand-ink} and
     * {@code --brand-text} ({@link #textOnWhite}): pages allow no
     * inline styles (CSP), so the colour comes as a tiny stylesheet.
     */
    public static String cssVariables(String color) {
        String brand = color.toLowerCase(java.util.Locale.ROOT);
        return ":root{--brand:" + brand + ";--brand-ink:" + inkOn(brand) + ";--brand-text:" + textOnWhite(brand)
            + "}\n";
    }

    private static void text(FieldErrors errors, String field, String value, int max) {
        if (value != null
            && (value.isBlank() || value.length() > max || !FieldErrors.isOneLine(value))) {
            errors.add(field, "invalid_value", "must be 1 to " + max + " characters on one line");
        }
    }

    private static void webUrl(FieldErrors errors, String field, String value) {
        if (value == null) {
            return;
        }
        if (!isWebUrl(value)) {
            errors.add(field, "invalid_url", "must be an http or https URL of at most 2000 characters");
        } else if (EgressClient.invalidUrl(value) != null) {
            // What Till's fetch of the image would refuse (a user name and password, a port past 65535): the logo
            // would never show, and the credentials would be shown back to anyone reading the branding.
            errors.add(field, "invalid_url", EgressClient.invalidUrl(value));
        }
    }

    private static boolean isWebUrl(String value) {
        if (value.length() > 2000) {
            return false;
        }
        try {
            URI uri = new URI(value);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }
}
