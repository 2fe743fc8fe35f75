package io.till.catalog;

import io.swagger.v3.oas.annotations.media.Schema;
import io.till.payment.Gateways;
import io.till.shared.Amounts;
import io.till.shared.FieldErrors;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The body that creates a product with its options; {@link #validate} lists every bad field. */
record ProductInput(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String name, String description,
    String subscriptionGroupId, @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<OptionInput> options,
    @Schema(description = "A customer gets its free trial once (default false)") Boolean oneTrialPerCustomer) {

    static final int MAX_NAME = 200;
    static final int MAX_DESCRIPTION = 5_000;

    record OptionInput(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String name,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"one_time", "subscription",
                "payment_plan"}) String kind,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "In the currency's minor unit: 1999 for "
            + "19.99") Long amount,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "usd") String currency,
        @Schema(allowableValues = {"day", "week", "month", "year"}) String interval, Integer intervalCount,
        Integer trialDays, Integer installments, Integer cycles, String display) {}

    void validate(FieldErrors errors) {
        if (name == null || name.isBlank()) {
            errors.add("name", "required", "is required");
        } else if (name.length() > 200) {
            errors.add("name", "too_long", "must be at most 200 characters");
        }
        errors.checkOneLine("name", name);
        errors.checkLength("description", description, MAX_DESCRIPTION);
        errors.checkPlainText("description", description);
        if (options == null || options.isEmpty()) {
            errors.add("options", "required", "a product needs at least one option");
            return;
        }
        if (options.size() > 50) {
            errors.add("options", "too_many", "must hold at most 50 options");
        }
        for (int i = 0; i < options.size(); i++) {
            validateOption(options.get(i), "options[" + i + "]", errors);
        }
    }

    /** Checks one option, its fields named under {@code path} ({@code options[2]}; empty: at the top, as its own body). */
    static void validateOption(OptionInput option, String path, FieldErrors errors) {
        if (option == null) {
            errors.add(path.isEmpty() ? "body" : path, "required", "must be an option");
            return;
        }
        if (option.name() == null || option.name().isBlank()) {
            errors.add(at(path, "name"), "required", "is required");
        }
        errors.checkLength(at(path, "name"), option.name(), MAX_NAME);
        errors.checkOneLine(at(path, "name"), option.name());
        ProductOption.Kind kind = errors.parseEnum(at(path, "kind"), option.kind(), ProductOption.Kind.class);
        if (option.kind() == null || option.kind().isEmpty()) {
            errors.add(at(path, "kind"), "required", "must be one_time, subscription or payment_plan");
        }
        if (option.amount() == null) {
            errors.add(at(path, "amount"), "required", "is required, in minor units (1999 for 19.99)");
        } else if (option.amount() < 0) {
            errors.add(at(path, "amount"), "out_of_range", "must not be negative");
        }
        Amounts.checkAtMostMax(errors, at(path, "amount"), option.amount());
        if (!Amounts.isCurrency(option.currency())) {
            errors.add(at(path, "currency"), "invalid_format", "must be a three-letter ISO currency code such as usd");
        } else {
            Gateways.checkChargedPrice(errors, at(path, "amount"), option.amount(), option.currency());
            long smallest = Gateways.smallestCharge(option.currency());
            boolean charged = kind == ProductOption.Kind.SUBSCRIPTION || kind == ProductOption.Kind.PAYMENT_PLAN;
            if (charged && option.amount() != null && option.amount() > 0 && option.amount() < smallest) {
                // Each renewal or installment is charged alone: below the gateway's smallest charge, every one would
                // be declined (after a free trial, the first the buyer would ever be charged).
                errors.add(at(path, "amount"), "not_supported", "is charged alone at each "
                    + (kind == ProductOption.Kind.SUBSCRIPTION ? "renewal" : "installment") + ", and the payment "
                    + "processor charges at least " + Amounts.format(smallest, option.currency()) + " in "
                    + option.currency().toUpperCase(java.util.Locale.ROOT));
            }
        }
        ProductOption.Interval interval = errors.parseEnum(at(path, "interval"), option.interval(),
            ProductOption.Interval.class);
        boolean recurring = kind == ProductOption.Kind.SUBSCRIPTION || kind == ProductOption.Kind.PAYMENT_PLAN;
        if (recurring && (option.interval() == null || option.interval().isEmpty())) {
            errors.add(at(path, "interval"), "required", "is required for a " + kind.code());
        }
        if (kind == ProductOption.Kind.ONE_TIME && (interval != null || option.intervalCount() != null)) {
            errors.add(at(path, "interval"), "not_allowed", "a one_time option has no interval");
        }
        if (option.intervalCount() != null && (option.intervalCount() < 1 || option.intervalCount() > 365)) {
            errors.add(at(path, "interval_count"), "out_of_range", "must be between 1 and 365");
        }
        if (option.trialDays() != null && kind != ProductOption.Kind.SUBSCRIPTION) {
            errors.add(at(path, "trial_days"), "not_allowed", "only a subscription has a trial");
        } else if (option.trialDays() != null && (option.trialDays() < 0 || option.trialDays() > 730)) {
            errors.add(at(path, "trial_days"), "out_of_range", "must be between 0 and 730");
        }
        if (kind == ProductOption.Kind.PAYMENT_PLAN && option.installments() == null) {
            errors.add(at(path, "installments"), "required", "is required for a payment_plan");
        } else if (option.installments() != null && kind != ProductOption.Kind.PAYMENT_PLAN) {
            errors.add(at(path, "installments"), "not_allowed", "only a payment_plan has installments");
        } else if (option.installments() != null && (option.installments() < 2 || option.installments() > 120)) {
            errors.add(at(path, "installments"), "out_of_range", "must be between 2 and 120");
        }
        errors.parseEnum(at(path, "display"), option.display(), ProductOption.Display.class);
        if (option.cycles() != null && kind != ProductOption.Kind.SUBSCRIPTION) {
            errors.add(at(path, "cycles"), "not_allowed", "only a subscription has a fixed number of cycles");
        } else if (option.cycles() != null && (option.cycles() < 1 || option.cycles() > 1000)) {
            errors.add(at(path, "cycles"), "out_of_range", "must be between 1 and 1000");
        }
        if (recurring && option.amount() != null && option.amount() == 0) {
            errors.add(at(path, "amount"), "out_of_range", "a " + kind.code() + " must cost more than 0");
        }
        checkTerm(option, path, kind, interval, errors);
    }

    /** The longest a subscription's or a plan's term may run, trial included: its dates must be storable, and sane. */
    static final int MAX_TERM_YEARS = 100;

    /**
     * Refuses a period, or a fixed term (cycles of a subscription, installments of a plan), longer than
     * {@link #MAX_TERM_YEARS}: its dates would outrun what can be stored, and a purchase of it would be charged before
     * its subscription failed to be written.
     */
    private static void checkTerm(OptionInput option, String path, ProductOption.Kind kind,
        ProductOption.Interval interval, FieldErrors errors) {
        if (interval == null || kind == null || kind == ProductOption.Kind.ONE_TIME) {
            return;
        }
        int count = option.intervalCount() == null ? 1 : option.intervalCount();
        int times = kind == ProductOption.Kind.PAYMENT_PLAN ? orOne(option.installments()) : orOne(option.cycles());
        if (count < 1 || count > 365 || times > 1000) {
            // Refused by their own bounds above; a billion years either way is past any date there is.
            return;
        }
        var start = LocalDate.of(2000, 1, 1);
        LocalDate limit = start.plusYears(MAX_TERM_YEARS);
        if (after(start, interval, count).isAfter(limit)) {
            errors.add(at(path, "interval_count"), "out_of_range", "makes one period " + years(start, after(start,
                interval, count)) + " long: a period may be at most " + MAX_TERM_YEARS + " years");
            return;
        }
        LocalDate end = after(start, interval, (long) count * times);
        if (option.trialDays() != null && option.trialDays() > 0) {
            end = end.plusDays(option.trialDays());
        }
        if (end.isAfter(limit)) {
            String field = kind == ProductOption.Kind.PAYMENT_PLAN ? "installments" : "cycles";
            errors.add(at(path, field), "out_of_range", "makes the whole term " + years(start, end) + " long: it may "
                + "be at most " + MAX_TERM_YEARS + " years");
        }
    }

    private static int orOne(Integer times) {
        return times == null || times < 1 ? 1 : times;
    }

    private static LocalDate after(LocalDate start, ProductOption.Interval interval, long count) {
        return switch (interval) {
            case DAY -> start.plusDays(count);
            case WEEK -> start.plusWeeks(count);
            case MONTH -> start.plusMonths(count);
            case YEAR -> start.plusYears(count);
        };
    }

    /** "120 years", "over 101 years": whole years, and whether there is more. */
    private static String years(LocalDate start, LocalDate end) {
        long whole = ChronoUnit.YEARS.between(start, end);
        return start.plusYears(whole).equals(end) ? whole + " years" : "over " + whole + " years";
    }

    private static String at(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
