package io.till.catalog;

import io.till.account.Brandings;
import io.till.idempotency.FormSubmissions;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import io.till.shared.FieldError;
import io.till.shared.FieldErrors;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.web.AsShown;
import io.till.shared.web.FormRows;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Promo codes in the dashboard: each with its discount, how often it was redeemed and whether a buyer can still use
 * it; and a new code, refused by the rules {@code POST /api/v1/promo_codes} uses. A code valid "until" a day works to
 * the end of that day in the store's time zone.
 */
@Controller
class PromoCodePages {

    private static final String PAGE = CatalogPages.CATALOG + "/promo-codes";

    private final PromoCodes promoCodes;
    private final FormSubmissions submissions;
    private final Brandings brandings;
    private final Clock clock;

    PromoCodePages(PromoCodes promoCodes, FormSubmissions submissions, Brandings brandings, Clock clock) {
        this.brandings = brandings;
        this.promoCodes = promoCodes;
        this.submissions = submissions;
        this.clock = clock;
    }

    /** One code as the list shows it; {@code lastDay} is the last moment it works (its end, exclusive, less a millisecond). */
    record Row(PromoCode promo, String discount, String redeemed, String state, Instant lastDay, String untilDay) {

        /**
         * {@code Dec 31, 2026}: the last day it works in the store's time zone, as its Change field and the hint beside
         * it say, whatever zone the reader's browser is in (the day in UTC, or the browser's, was the next one west of
         * it).
         */
        public String untilText() {
            return untilDay == null
                ? null
                : LocalDate.parse(untilDay).format(java.time.format.DateTimeFormatter.ofPattern("MMM d, yyyy",
                    java.util.Locale.US));
        }
    }

    /** The new-code form as typed, with the refusals beside their fields. */
    record Form(String code, String type, String value, String currency, String until, String maxRedemptions,
        Map<String, String> errors) {

        public String error(String field) {
            return errors.get(field);
        }
    }

    @GetMapping(PAGE)
    String list(Caller.Staff staff, @RequestParam(required = false) String cursor, Model model) {
        return page(staff, cursor, new Form("", "percent", "", "usd", "", "", Map.of()), model);
    }

    @PostMapping(PAGE)
    String create(Caller.Staff staff, @RequestParam(defaultValue = "") String code,
        @RequestParam(defaultValue = "percent") String type, @RequestParam(defaultValue = "") String value,
        @RequestParam(defaultValue = "") String currency, @RequestParam(defaultValue = "") String until,
        @RequestParam(name = "max_redemptions", defaultValue = "") String maxRedemptions,
        @RequestParam(name = FormSubmissions.FIELD, required = false) String formKey, Model model,
        HttpServletResponse response, RedirectAttributes redirect) {
        var form = new Form(code.strip(), type, value, currency.strip().toLowerCase(Locale.ROOT), until,
            maxRedemptions, Map.of());
        try {
            // A double click makes one code: the second submit waits for the first and answers with its message.
            // The checks run inside, too: outside, the second would find the code the first just made "taken".
            redirect.addFlashAttribute("flash", submissions.once(staff.accountId(), formKey,
                PAGE + "?" + code + "&" + type + "&" + value + "&" + currency + "&" + until + "&" + maxRedemptions,
                () -> "Promo code " + promoCodes.create(staff.accountId(), input(staff.accountId(), form)).code()
                    + " created: buyers can use it at every checkout from now on."));
            return "redirect:" + PAGE;
        } catch (TillException refused) {
            var refusals = refused.refusals();
            var errors = new HashMap<String, String>();
            for (FieldError error : refusals) {
                errors.putIfAbsent(field(error.field()), error.sentence());
            }
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return page(staff, null, new Form(form.code(), form.type(), form.value(), form.currency(), form.until(),
                form.maxRedemptions(), Map.copyOf(errors)), model);
        }
    }

    @PostMapping(PAGE + "/{id}/expire")
    String expire(Caller.Staff staff, @PathVariable String id, RedirectAttributes redirect) {
        var promo = promoCodes.expire(staff.accountId(), id);
        redirect.addFlashAttribute("flash", "Promo code " + promo.code() + " has ended: buyers can no longer use it.");
        return "redirect:" + PAGE;
    }

    /**
     * Moves a code's last day or its usage limit, as {@code PATCH /api/v1/promo_codes/{id}} does: blank fields take
     * the end or the limit away; a field left as the form showed it changes nothing (an exact end set through the API,
     * or one staff ended the code at, stays as it is); a refusal is said above the list, and nothing changes.
     */
    @PostMapping(PAGE + "/{id}/change")
    String change(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String until,
        @RequestParam(name = "max_redemptions", defaultValue = "") String maxRedemptions,
        @RequestParam(name = "until_shown", required = false) String untilShown,
        @RequestParam(name = "max_redemptions_shown", required = false) String maxRedemptionsShown,
        RedirectAttributes redirect) {
        var errors = new FieldErrors();
        var body = JsonNodeFactory.instance.objectNode();
        if (AsShown.line(until, untilShown)) {
            // left as it was
        } else if (until.isBlank()) {
            body.putNull("expires_at");
        } else {
            Instant end = endOfDay(staff.accountId(), until, errors);
            if (end != null) {
                body.put("expires_at", end.toString());
            }
        }
        if (AsShown.line(maxRedemptions, maxRedemptionsShown)) {
            // left as it was
        } else if (maxRedemptions.isBlank()) {
            body.putNull("max_redemptions");
        } else {
            Integer max = FormRows.wholeNumber(errors, "max_redemptions", maxRedemptions.strip());
            if (max != null) {
                body.put("max_redemptions", max);
            }
        }
        if (body.isEmpty() && !errors.any()) {
            redirect.addFlashAttribute("flash", "Nothing was changed: the end and the limit are as they were.");
            return "redirect:" + PAGE;
        }
        try {
            errors.throwIfAny();
            var promo = promoCodes.change(staff.accountId(), id, body);
            String state = row(promo, clock.instant(), brandings.zone(staff.accountId())).state();
            redirect.addFlashAttribute("flash", "Promo code " + promo.code() + " changed" + (state.equals("active")
                ? ": buyers can use it."
                : "; it is " + state + "."));
        } catch (TillException refused) {
            if (refused.refusals().isEmpty()) {
                throw refused;
            }
            // Each refusal named by the field staff typed in, not the API's.
            redirect.addFlashAttribute("flashError", "Nothing was changed: " + String.join("; ", refused.refusals()
                .stream().map(error -> switch (error.field()) {
                    case "expires_at", "until" -> "Valid until ";
                    case "max_redemptions" -> "Most uses ";
                    default -> error.field() + " ";
                } + error.message()).toList()) + ".");
        }
        return "redirect:" + PAGE;
    }

    /** The end of a day typed as 2026-12-31, in the store's time zone: a code valid until then works all that day. */
    private Instant endOfDay(String accountId, String typed, FieldErrors errors) {
        try {
            var day = LocalDate.parse(typed.strip());
            if (day.getYear() > 9999) {
                throw new DateTimeException("beyond the year 9999");
            }
            return day.plusDays(1).atStartOfDay(brandings.zone(accountId)).toInstant();
        } catch (DateTimeException e) {
            errors.add("until", "invalid_format", "must be a date such as 2026-12-31");
            return null;
        }
    }

    private PromoCodes.PromoCodeInput input(String accountId, Form form) {
        var errors = new FieldErrors();
        if (!"percent".equals(form.type()) && !"amount".equals(form.type())) {
            // Only a forged form sends another: refused rather than read as a percentage.
            errors.add("value", "invalid_value", "choose a percentage or an amount off");
        }
        boolean percent = "percent".equals(form.type());
        Integer percentOff = null;
        Long amountOff = null;
        if (form.value().isBlank()) {
            errors.add("value", "required", percent ? "give the percent off, 1 to 100" : "give the amount off");
        } else if (percent) {
            percentOff = FormRows.wholeNumber(errors, "percent_off", form.value().strip().replaceFirst("%$", ""));
        } else {
            amountOff = Amounts.parseTyped(errors, "amount_off", form.value(), form.currency());
            // The page's own words first: the API's speak of minor units and field names.
            if (amountOff != null && amountOff <= 0) {
                errors.add("amount_off", "out_of_range", "must be more than 0");
            }
            if (!Amounts.isCurrency(form.currency())) {
                errors.add("currency", "invalid_format", "must be a three-letter currency code such as usd");
            }
        }
        Instant expiresAt = null;
        if (!form.until().isBlank()) {
            // The end of that day where the store is, as the field's hint says.
            expiresAt = endOfDay(accountId, form.until(), errors);
            if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
                errors.add("until", "out_of_range", "must be today or later");
                expiresAt = null; // said above in the page's words; the API's check would say it again
            }
        }
        Integer max = form.maxRedemptions().isBlank()
            ? null
            : FormRows.wholeNumber(errors, "max_redemptions",
                form.maxRedemptions().strip());
        // The currency goes with an amount that parsed: beside one that did not, the API's check would say the
        // chosen currency is given without an amount off, which the seller did not do.
        var input = new PromoCodes.PromoCodeInput(form.code(), percentOff, amountOff, percent || amountOff == null
            ? null
            : form.currency(), expiresAt, max);
        // The API's own checks too, so one answer lists every bad field; what did not parse keeps its own words.
        promoCodes.check(accountId, input, errors);
        errors.throwIfAny();
        return input;
    }

    private String page(Caller.Staff staff, String cursor, Form form, Model model) {
        var page = promoCodes.list(staff.accountId(), PageRequest.of(50, cursor, "promo"));
        Instant now = clock.instant();
        var zone = brandings.zone(staff.accountId());
        model.addAttribute("rows", page.data().stream().map(p -> row(p, now, zone)).toList());
        model.addAttribute("next", page.hasMore() ? page.nextCursor() : null);
        model.addAttribute("form", form);
        model.addAttribute("formKey", FormSubmissions.newKey());
        return "catalog/promo_codes";
    }

    private static Row row(PromoCode promo, Instant now, java.time.ZoneId zone) {
        String discount = promo.percentOff() != null
            ? promo.percentOff() + "% off"
            : Amounts.format(promo.amountOff(), promo.currency()) + " off";
        String redeemed = promo.maxRedemptions() == null
            ? String.valueOf(promo.timesRedeemed())
            : promo.timesRedeemed() + " of " + promo.maxRedemptions();
        String state;
        if (promo.expiresAt() != null && !promo.expiresAt().isAfter(now)) {
            state = "expired";
        } else if (promo.maxRedemptions() != null && promo.timesRedeemed() >= promo.maxRedemptions()) {
            state = "used up";
        } else {
            state = "active";
        }
        Instant lastDay = promo.expiresAt() == null ? null : promo.expiresAt().minusMillis(1);
        return new Row(promo, discount, redeemed, state, lastDay, lastDay == null
            ? ""
            : LocalDate.ofInstant(lastDay, zone).toString());
    }

    /** The form's field for an API field: both discounts are typed in {@code value}. */
    private static String field(String apiField) {
        return switch (apiField) {
            case "percent_off", "amount_off" -> "value";
            case "expires_at" -> "until";
            default -> apiField;
        };
    }

}
