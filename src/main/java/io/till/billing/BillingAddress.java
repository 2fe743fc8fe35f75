package io.till.billing;

import io.swagger.v3.oas.annotations.media.Schema;
import io.till.shared.FieldErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where a buyer is billed, kept on an order and printed on its receipts. Every field is optional but the country, an
 * ISO 3166-1 alpha-2 code; a buyer of digital goods often gives no more than that.
 */
@Schema(description = "The buyer's billing address; every field but country is optional.")
public record BillingAddress(
    @Schema(example = "Ada Lovelace", maxLength = NAME) String name,
    @Schema(example = "12 St James's Square", maxLength = LINE) String line1,
    @Schema(example = "Flat 2", maxLength = LINE) String line2,
    @Schema(example = "London", maxLength = CITY) String city,
    @Schema(example = "SW1Y 4JH", maxLength = POSTAL_CODE) String postalCode,
    @Schema(example = "Greater London", maxLength = REGION) String region,
    @Schema(example = "GB", description = "ISO 3166-1 alpha-2 country code, stored in upper case", requiredMode = Schema.RequiredMode.REQUIRED, minLength = 2, maxLength = 2) String country) {

    // The same limits as the CHECKs of V41: a field longer than these is refused, never cut.
    static final int NAME = 200;
    static final int LINE = 200;
    static final int CITY = 100;
    static final int POSTAL_CODE = 20;
    static final int REGION = 100;

    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    /**
     * The address as given, tidied (fields stripped, blank ones null, the country in upper case) and checked, each
     * error under {@code field.<name>}; null when none was given or every field is blank.
     */
    public static BillingAddress checked(BillingAddress given, String field, FieldErrors errors) {
        if (given == null) {
            return null;
        }
        var address = new BillingAddress(tidy(given.name), tidy(given.line1), tidy(given.line2), tidy(given.city),
            tidy(given.postalCode), tidy(given.region),
            tidy(given.country) == null ? null : tidy(given.country).toUpperCase(Locale.ROOT));
        if (Stream.of(address.name, address.line1, address.line2, address.city, address.postalCode, address.region,
            address.country).allMatch(value -> value == null)) {
            return null;
        }
        checkText(errors, field + ".name", address.name, NAME);
        checkText(errors, field + ".line1", address.line1, LINE);
        checkText(errors, field + ".line2", address.line2, LINE);
        checkText(errors, field + ".city", address.city, CITY);
        checkText(errors, field + ".postal_code", address.postalCode, POSTAL_CODE);
        checkText(errors, field + ".region", address.region, REGION);
        if (address.country == null) {
            errors.add(field + ".country", "required", "is required in an address: an ISO 3166-1 alpha-2 code such as "
                + "US or DE");
        } else if (!COUNTRIES.contains(address.country)) {
            errors.add(field + ".country", "invalid_country", "must be an ISO 3166-1 alpha-2 country code such as US "
                + "or DE");
        }
        return address;
    }

    /** A country to choose from: its code and its English name. */
    public record Country(String code, String name) {}

    /** Every country an address may name, by English name. */
    public static List<Country> countries() {
        return SORTED_COUNTRIES;
    }

    /** By name as a reader looks for it: Åland Islands among the A's, Türkiye before Tuvalu (a collator, not code order). */
    private static final List<Country> SORTED_COUNTRIES = COUNTRIES.stream()
        .map(code -> new Country(code, new BillingAddress(null, null, null, null, null, null, code).countryName()))
        .sorted(java.util.Comparator.comparing(Country::name, java.text.Collator.getInstance(Locale.ENGLISH)))
        .toList();

    /** The address as printed, line by line: name, street lines, "city, region postal code", the country's name. */
    public List<String> lines() {
        var lines = new ArrayList<String>();
        Stream.of(name, line1, line2).filter(value -> value != null).forEach(lines::add);
        String regionAndCode = Stream.of(region, postalCode).filter(value -> value != null)
            .collect(Collectors.joining(" "));
        String place = Stream.of(city, regionAndCode.isEmpty() ? null : regionAndCode).filter(value -> value != null)
            .collect(Collectors.joining(", "));
        if (!place.isEmpty()) {
            lines.add(place);
        }
        if (country != null) {
            lines.add(countryName());
        }
        return lines;
    }

    /** The country in English ({@code Germany}), or its code when Java does not know it. */
    public String countryName() {
        String name = Locale.of("", country).getDisplayCountry(Locale.ENGLISH);
        return name.isBlank() || name.equals(country) ? country : name;
    }

    private static void checkText(FieldErrors errors, String field, String value, int max) {
        if (value == null) {
            return;
        }
        if (errors.checkOneLine(field, value)) {
            errors.checkLength(field, value, max);
        }
    }

    private static String tidy(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
