package io.till.catalog;

import io.till.shared.Amounts;
import io.till.shared.FieldError;
import io.till.shared.FieldErrors;
import io.till.shared.web.FormRows;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.util.MultiValueMap;

/**
 * The new-product page's form as staff filled it: prices as they type them ({@code 19.99}), one currency for the
 * product, and a row per option. Fields are read as repeated parameters ({@code option_name}, {@code option_price}, …),
 * one value per row, straight from the request: a single comma-separated value must stay one option name. Turned into
 * the API's {@link ProductInput}, so the page refuses exactly what the API refuses; the refusals come back keyed by the
 * form's own field names.
 */
record ProductForm(String name, String description, String groupId, boolean oneTrial, String currency,
    List<OptionRow> options, Map<String, String> errors) {

    static final int MAX_ROWS = 20;

    /** One option row; every value as typed, blank when left empty. */
    record OptionRow(String name, String kind, String price, String interval, String every, String trialDays,
        String installments, String cycles) {

        static OptionRow blank() {
            return new OptionRow("", "subscription", "", "month", "1", "", "", "");
        }

        boolean isBlank() {
            return name.isBlank() && price.isBlank();
        }
    }

    static ProductForm empty(String currency) {
        return new ProductForm("", "", "", false, currency, List.of(OptionRow.blank()), Map.of());
    }

    static ProductForm of(MultiValueMap<String, String> params) {
        return of(params, -1);
    }

    /**
     * The form as posted without its option row {@code removed} (from 0, as the page numbered its rows; -1: none),
     * taken out before blank rows are: "Remove option 3" removes the third row shown, whatever rows above it were
     * emptied.
     */
    static ProductForm of(MultiValueMap<String, String> params, int removed) {
        var rows = new ArrayList<OptionRow>();
        for (int i = 0; i < FormRows.count(params, "option_name", MAX_ROWS); i++) {
            rows.add(new OptionRow(FormRows.at(params, "option_name", i), FormRows.at(params, "option_kind", i),
                FormRows.at(params, "option_price", i),
                FormRows.at(params, "option_interval", i), FormRows.at(params, "option_every", i),
                FormRows.at(params, "option_trial_days", i),
                FormRows.at(params, "option_installments", i), FormRows.at(params, "option_cycles", i)));
        }
        if (removed >= 0 && removed < rows.size() && rows.size() > 1) {
            rows.remove(removed);
        }
        // A row added but never filled is not an option; the first row always stays, to say "name is required".
        var filled = new ArrayList<>(rows.stream().filter(row -> !row.isBlank()).toList());
        if (filled.isEmpty()) {
            filled.add(rows.isEmpty() ? OptionRow.blank() : rows.getFirst());
        }
        return new ProductForm(FormRows.one(params, "name"), FormRows.one(params, "description"),
            FormRows.one(params, "subscription_group_id"), "true".equals(FormRows.one(params,
                "one_trial_per_customer")),
            FormRows.one(params, "currency").toLowerCase(Locale.ROOT), List.copyOf(filled), Map.of());
    }

    /** The same form with one more empty option row (the "Add another option" button). */
    ProductForm withAnotherOption() {
        if (options.size() >= MAX_ROWS) {
            return this;
        }
        var more = new ArrayList<>(options);
        more.add(OptionRow.blank());
        return new ProductForm(name, description, groupId, oneTrial, currency, List.copyOf(more), Map.of());
    }

    /**
     * The API body this form asks for, or every refusal at once: a price or number that is not one, and whatever
     * the API refuses.
     */
    ProductInput input() {
        var errors = new FieldErrors();
        var inputs = new ArrayList<ProductInput.OptionInput>();
        for (int i = 0; i < options.size(); i++) {
            var row = options.get(i);
            String path = "options[" + i + "]";
            // The page's own words first (the first refusal of a field is the one shown): the API's speak of minor
            // units, which staff do not type here.
            Long amount = Amounts.parseTyped(errors, path + ".amount", row.price(), currency);
            if (row.price().isBlank()) {
                errors.add(path + ".amount", "required", "is required");
            }
            if ("payment_plan".equals(row.kind()) && row.installments().isBlank()) {
                errors.add(path + ".installments", "required", "say how many payments, 2 to 120");
            }
            String kind = row.kind().isBlank() ? null : row.kind();
            // The page hides the fields another kind has (a trial for a payment plan): what is left in them is not
            // part of the option, as the seller no longer sees it.
            boolean subscription = "subscription".equals(kind);
            boolean plan = "payment_plan".equals(kind);
            inputs.add(new ProductInput.OptionInput(row.name().strip(), kind, amount, currency,
                subscription || plan ? blankToNull(row.interval()) : null,
                subscription || plan ? FormRows.wholeNumber(errors, path + ".interval_count", row.every()) : null,
                subscription ? FormRows.wholeNumber(errors, path + ".trial_days", row.trialDays()) : null,
                plan ? FormRows.wholeNumber(errors, path + ".installments", row.installments()) : null,
                subscription ? FormRows.wholeNumber(errors, path + ".cycles", row.cycles()) : null, null));
        }
        var input = new ProductInput(name.strip(), description.isBlank() ? null : description.strip(),
            blankToNull(groupId), inputs, oneTrial);
        // The API's own checks too, so that one answer lists every bad field; a field that did not parse keeps the
        // words of its own refusal (the first for a field is the one shown).
        input.validate(errors);
        errors.throwIfAny();
        return input;
    }

    /** This form with the API's refusals beside the fields they name. */
    ProductForm refused(List<FieldError> refusals) {
        var byField = new HashMap<String, String>();
        for (var refusal : refusals) {
            byField.putIfAbsent(formField(refusal.field()), refusal.sentence());
        }
        return new ProductForm(name, description, groupId, oneTrial, currency, options, Map.copyOf(byField));
    }

    /** The refusal of a product field ({@code name}) or an option's ({@code 0, "price"}), null when none. */
    public String error(String field) {
        return errors.get(field);
    }

    public String error(int row, String field) {
        return errors.get(row + "." + field);
    }

    /** The form's name for an API field path: {@code options[2].amount} is row 2's price. */
    private static String formField(String path) {
        if (!path.startsWith("options[") || !path.contains("].")) {
            return switch (path) {
                case "options" -> "name";
                case "subscription_group_id" -> "group";
                default -> path;
            };
        }
        String row = path.substring("options[".length(), path.indexOf(']'));
        return switch (path.substring(path.indexOf("].") + 2)) {
            case "currency" -> "currency";
            case "amount" -> row + ".price";
            case "interval_count" -> row + ".every";
            case String field -> row + "." + field;
        };
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
