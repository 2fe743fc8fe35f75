package io.till.billing;

import io.till.customer.Customers;
import io.till.idempotency.FormSubmissions;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.FieldError;
import io.till.shared.FieldErrors;
import io.till.shared.TillException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * "Add credit" on a customer record: an amount as staff type it ({@code 12.50}, in the currency chosen), granted
 * through {@link Credits#grant} as the API's {@code POST /api/v1/customers/{id}/credits} does, once per rendered form.
 * Any staff member may grant credit, as any API key may (only keys, integrations and the staff are an owner's). A
 * refusal comes back beside its field with what was typed.
 */
@Controller
class CustomerCreditPages {

    private final Credits credits;
    private final Customers customers;
    private final FormSubmissions submissions;

    CustomerCreditPages(Credits credits, Customers customers, FormSubmissions submissions) {
        this.credits = credits;
        this.customers = customers;
        this.submissions = submissions;
    }

    @PostMapping("/admin/customers/{id}/credits")
    String grant(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String amount,
        @RequestParam(defaultValue = "") String currency, @RequestParam(defaultValue = "") String reason,
        @RequestParam(name = FormSubmissions.FIELD, required = false) String formKey, RedirectAttributes redirect) {
        String accountId = staff.accountId();
        var customer = customers.get(accountId, id);
        String page = "/admin/customers/" + id;
        try {
            String code = currency.strip().toLowerCase(Locale.ROOT);
            long minor = typedAmount(amount, code);
            String said = submissions.once(accountId, formKey, page + "/credits?" + amount + "&" + currency + "&"
                + reason, () -> {
                    credits.grant(accountId, id, minor, code, reason.isBlank() ? null : reason.strip());
                    return "Granted " + Amounts.format(minor, code) + " of credit to " + customer.name() + ": it is "
                        + "spent on their next invoices in " + code.toUpperCase(Locale.ROOT) + " before their card "
                        + "is charged.";
                });
            redirect.addFlashAttribute("flash", said);
            return "redirect:" + page;
        } catch (TillException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw e;
            }
            redirect.addFlashAttribute("creditRefused", byField(e.refusals()));
            redirect.addFlashAttribute("creditTyped", Map.of("amount", amount, "currency", currency, "reason",
                reason));
            return "redirect:" + page + "#add-credit";
        }
    }

    private static final java.util.regex.Pattern NEGATIVE = java.util.regex.Pattern.compile(
        "\\s*\\p{Sc}?\\s*-\\s*\\p{Sc}?\\s*[0-9][0-9,]*(\\.[0-9]+)?\\s*");

    /**
     * The amount typed, in minor units of the currency; every refusal of the form at once, in the form's words (the
     * API's "in minor units" means nothing to someone who typed 12.50).
     */
    private static long typedAmount(String amount, String currency) {
        var errors = new FieldErrors();
        if (!Amounts.isCurrency(currency)) {
            errors.add("currency", "invalid_format", "must be a three-letter currency code such as usd or eur");
        }
        // "-5" is no amount to the parser; a grant of it is refused for what it is: not more than zero.
        boolean negative = NEGATIVE.matcher(amount).matches();
        Long minor = amount.isBlank() || negative
            ? null
            : Amounts.parseTyped(errors, "amount", amount, Amounts.isCurrency(currency) ? currency : "usd");
        if (negative) {
            errors.add("amount", "out_of_range", "must be more than zero");
        } else if (amount.isBlank()) {
            errors.add("amount", "required", "enter an amount, such as 12.50");
        } else if (minor != null && minor <= 0) {
            errors.add("amount", "out_of_range", "must be more than zero");
        }
        errors.throwIfAny();
        return minor;
    }

    /** Each field's first refusal as a sentence, for the message beside it ({@code form} for the rest). */
    private static Map<String, String> byField(List<FieldError> refusals) {
        var said = new java.util.LinkedHashMap<String, String>();
        refusals.forEach(r -> said.putIfAbsent(switch (r.field()) {
            case "amount", "currency", "reason" -> r.field();
            default -> "form";
        }, r.sentence()));
        return said;
    }
}
