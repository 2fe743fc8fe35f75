package io.till.admin;

import io.till.portal.EmbedSnippet;
import io.till.portal.PortalSettings;
import io.till.portal.PortalSettingsBody;
import io.till.portal.PortalSettingsStore;
import io.till.shared.Caller;
import io.till.shared.TillException;
import io.till.shared.web.FormErrors;
import io.till.shared.web.PublicAddress;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Settings › Customer portal and Settings › Customer notifications: two forms over the one settings object of
 * {@code GET/PUT /api/v1/portal_settings}, each changing its own fields and keeping the other's, saved through the
 * same {@link PortalSettingsStore#save} and its checks. Lives beside the frame: the portal package's pages are the
 * buyers', with a frame of their own.
 */
@Controller
class PortalSettingsPages {

    static final String PORTAL = "/admin/settings/portal";
    static final String NOTIFICATIONS = "/admin/settings/notifications";

    private final PortalSettingsStore settings;
    private final PublicAddress publicAddress;

    PortalSettingsPages(PortalSettingsStore settings, PublicAddress publicAddress) {
        this.settings = settings;
        this.publicAddress = publicAddress;
    }

    /**
     * The portal form as shown: lists one entry a line, the card links' validity as a number of days, hours or minutes
     * (or seconds, for a validity the API set to the second), the largest unit that says it exactly: saving the form
     * unchanged keeps the validity it showed.
     */
    record PortalForm(boolean selfCancel, String cancelReasons, String allowedEmbedOrigins, String validityAmount,
        String validityUnit) {

        static PortalForm of(PortalSettings s) {
            long seconds = s.cardLinkValidity().toSeconds();
            String unit = seconds % 86_400 == 0
                ? "days"
                : seconds % 3600 == 0
                    ? "hours"
                    : seconds % 60 == 0
                        ? "minutes"
                        : "seconds";
            return new PortalForm(s.selfCancel(), String.join("\n", s.cancelReasons()),
                String.join("\n", s.allowedEmbedOrigins()), String.valueOf(seconds / unitSeconds(unit)), unit);
        }

        private static long unitSeconds(String unit) {
            return switch (unit) {
                case "days" -> 86_400;
                case "hours" -> 3600;
                case "minutes" -> 60;
                default -> 1;
            };
        }

        /** {@code P7D}, {@code PT36H}, {@code PT90M}; anything else is passed on for the API's check to name. */
        String validity() {
            String amount = validityAmount == null ? "" : validityAmount.strip();
            if (!amount.matches("\\d{1,7}")) {
                return amount.isEmpty() ? "none" : amount;
            }
            return switch (validityUnit == null ? "days" : validityUnit) {
                case "hours" -> "PT" + amount + "H";
                case "minutes" -> "PT" + amount + "M";
                case "seconds" -> "PT" + amount + "S";
                default -> "P" + amount + "D";
            };
        }
    }

    record NotificationsForm(boolean initialOrder, boolean subscriptionRenewals, boolean planInstallments,
        String footer) {

        static NotificationsForm of(PortalSettings s) {
            var emails = s.receiptEmails();
            return new NotificationsForm(emails.initialOrder(), emails.subscriptionRenewals(),
                emails.planInstallments(), s.footer());
        }
    }

    @GetMapping(PORTAL)
    String portal(Caller.Staff staff, Model model) {
        return portalPage(staff, PortalForm.of(settings.get(staff.accountId())), Map.of(), model);
    }

    @PostMapping(PORTAL)
    String savePortal(Caller.Staff staff, @RequestParam(defaultValue = "false") boolean selfCancel,
        @RequestParam(defaultValue = "") String cancelReasons,
        @RequestParam(defaultValue = "") String allowedEmbedOrigins,
        @RequestParam(defaultValue = "") String validityAmount,
        @RequestParam(defaultValue = "days") String validityUnit,
        Model model, RedirectAttributes redirect, HttpServletResponse response) {
        var form = new PortalForm(selfCancel, cancelReasons, allowedEmbedOrigins, validityAmount, validityUnit);
        try {
            save(staff, body -> new PortalSettingsBody(form.selfCancel(), lines(cancelReasons),
                lines(allowedEmbedOrigins), form.validity(), body.receiptEmails(), body.footer()));
        } catch (TillException e) {
            response.setStatus(e.code().status().value());
            // An entry's line as typed, blank lines counted: the lists sent leave them out.
            var typed = Map.of("cancel_reasons", cancelReasons, "allowed_embed_origins", allowedEmbedOrigins);
            var errors = new java.util.HashMap<>(FormErrors.ofLists(e, (list, index) -> "Line "
                + lineOf(typed.getOrDefault(list, ""), index) + ": "));
            // The page asks for a number and a unit, not for the API's ISO-8601 duration.
            errors.computeIfPresent("card_link_validity", (field, message) -> message.contains("ISO-8601")
                ? "Must be from 1 hour to 30 days."
                : message);
            return portalPage(staff, form, errors, model);
        }
        redirect.addFlashAttribute("flash", "Portal settings saved.");
        return "redirect:" + PORTAL;
    }

    @GetMapping(NOTIFICATIONS)
    String notifications(Caller.Staff staff, Model model) {
        return notificationsPage(NotificationsForm.of(settings.get(staff.accountId())), Map.of(), model);
    }

    @PostMapping(NOTIFICATIONS)
    String saveNotifications(Caller.Staff staff, @RequestParam(defaultValue = "false") boolean initialOrder,
        @RequestParam(defaultValue = "false") boolean subscriptionRenewals,
        @RequestParam(defaultValue = "false") boolean planInstallments, @RequestParam(defaultValue = "") String footer,
        Model model, RedirectAttributes redirect, HttpServletResponse response) {
        var form = new NotificationsForm(initialOrder, subscriptionRenewals, planInstallments, footer);
        try {
            save(staff, body -> new PortalSettingsBody(body.selfCancel(), body.cancelReasons(),
                body.allowedEmbedOrigins(), body.cardLinkValidity(), new PortalSettingsBody.ReceiptEmailsBody(
                    initialOrder, subscriptionRenewals, planInstallments),
                footer.isBlank() ? null : footer.strip()));
        } catch (TillException e) {
            response.setStatus(e.code().status().value());
            return notificationsPage(form, FormErrors.ofLists(e, line -> "Line " + line + ": "), model);
        }
        redirect.addFlashAttribute("flash", "Customer notifications saved.");
        return "redirect:" + NOTIFICATIONS;
    }

    /** The saved settings as the API would answer them, changed by {@code change}, saved as the API's PUT saves. */
    private void save(Caller.Staff staff, UnaryOperator<PortalSettingsBody> change) {
        settings.save(staff.accountId(), change.apply(PortalSettingsBody.of(settings.get(staff.accountId()))));
    }

    private String portalPage(Caller.Staff staff, PortalForm form, Map<String, String> errors, Model model) {
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("snippet", EmbedSnippet.of(publicAddress.baseUrl(), staff.accountId()));
        // Where buyers sign in by email: the link a seller puts in their site's footer or account menu.
        model.addAttribute("portalLink", publicAddress.baseUrl() + "/portal/" + staff.accountId());
        return "settings/portal";
    }

    private static String notificationsPage(NotificationsForm form, Map<String, String> errors, Model model) {
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        return "settings/notifications";
    }

    /** The line (from 1) of {@code text} that holds the entry {@code index} of {@link #lines}. */
    static int lineOf(String text, int index) {
        String[] typed = text.split("\\R");
        for (int line = 0, entry = 0; line < typed.length; line++) {
            if (!typed[line].isBlank() && entry++ == index) {
                return line + 1;
            }
        }
        return index + 1;
    }

    /** One entry a line; blank lines are no entry. */
    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\\R")).map(String::strip).filter(line -> !line.isEmpty()).toList();
    }
}
