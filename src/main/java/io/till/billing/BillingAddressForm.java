package io.till.billing;

import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A billing address as a form shows it, for the portal's order page and the dashboard's new order: each text field
 * with its label, what was typed and what is wrong with it, then the country, picked from {@link
 * BillingAddress#countries()}. One place for the labels and limits, so a buyer and staff read the same form.
 */
public record BillingAddressForm(List<Field> fields, String country, String countryError, boolean refused) {

    /** One text field, with what was typed and what is wrong with it (null when nothing is). */
    public record Field(String name, String label, String autocomplete, int max, String value, String error) {}

    /** The form filled with {@code address} (null: empty), each error by the field's name ({@code postal_code}). */
    public static BillingAddressForm of(BillingAddress address, Map<String, String> errors) {
        var a = address == null ? new BillingAddress(null, null, null, null, null, null, null) : address;
        return new BillingAddressForm(List.of(
            new Field("name", "Name or company (optional)", "organization", BillingAddress.NAME, a.name(),
                errors.get("name")),
            new Field("line1", "Address line 1", "address-line1", BillingAddress.LINE, a.line1(), errors.get("line1")),
            new Field("line2", "Address line 2 (optional)", "address-line2", BillingAddress.LINE, a.line2(),
                errors.get("line2")),
            new Field("city", "City", "address-level2", BillingAddress.CITY, a.city(), errors.get("city")),
            new Field("postal_code", "Postal code", "postal-code", BillingAddress.POSTAL_CODE, a.postalCode(),
                errors.get("postal_code")),
            new Field("region", "State, province or region (optional)", "address-level1", BillingAddress.REGION,
                a.region(), errors.get("region"))),
            a.country() == null ? null : a.country().strip().toUpperCase(Locale.ROOT), errors.get("country"),
            !errors.isEmpty());
    }

    /** Every country the form offers. */
    public List<BillingAddress.Country> countries() {
        return BillingAddress.countries();
    }

    /**
     * What a refusal says about the address, by the form's field names, as a reader reads it: "Must be at most 200
     * characters."; the country is picked from a list, so its code's format is no news to them. Empty when the refusal
     * named no address field.
     */
    public static Map<String, String> errors(TillException e) {
        var errors = new LinkedHashMap<String, String>();
        if (e.code() != ErrorCode.VALIDATION_FAILED) {
            return errors;
        }
        e.errors().stream().filter(error -> error.field().startsWith("billing_address.")).forEach(error -> errors
            .putIfAbsent(error.field().substring("billing_address.".length()), error.field().endsWith(".country")
                ? "Choose a country."
                : sentence(error.message())));
        return errors;
    }

    /** "must be at most 200 characters" as "Must be at most 200 characters." */
    private static String sentence(String message) {
        return Character.toUpperCase(message.charAt(0)) + message.substring(1) + ".";
    }
}
