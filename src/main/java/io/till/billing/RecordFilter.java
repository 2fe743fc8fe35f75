package io.till.billing;

import io.till.shared.FieldErrors;
import io.till.shared.Ids;
import io.till.shared.TimeRange;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * What a list of billing records asks for (PRODUCT §8: "filters by status and time"): one customer's, in one status,
 * created within a window; null fields do not filter.
 *
 * @param from the earliest creation time, inclusive
 * @param to the latest, exclusive
 */
record RecordFilter(String customerId, String status, Instant from, Instant to) {

    static RecordFilter ofCustomer(String customerId) {
        return new RecordFilter(customerId, null, null, null);
    }

    /**
     * Reads a list's query parameters as the API takes them (a day starts at midnight UTC); a customer id that is not
     * one, a status the record never has and a window that is not one are added to {@code errors} (the status with the
     * values it can take).
     */
    static RecordFilter of(String customerId, String status, String createdFrom, String createdTo,
        List<String> statuses, FieldErrors errors) {
        return of(customerId, status, createdFrom, createdTo, ZoneOffset.UTC, statuses, errors);
    }

    /** As {@link #of(String, String, String, String, List, FieldErrors)}, a day starting at midnight in {@code zone}. */
    static RecordFilter of(String customerId, String status, String createdFrom, String createdTo, ZoneId zone,
        List<String> statuses, FieldErrors errors) {
        String wanted = status == null || status.isBlank() ? null : status.strip();
        if (wanted != null && !statuses.contains(wanted)) {
            errors.add("status", "invalid_value", "must be one of " + String.join(", ", statuses));
        }
        String customer = customerId == null || customerId.isBlank() ? null : customerId.strip();
        if (customer != null && !Ids.isId(customer, "cus")) {
            // Not a customer's id at all (a name, an email): an empty list would say the customer has no records.
            errors.add("customer_id", "invalid", "must be a customer id (cus_…)");
        }
        var window = TimeRange.of(createdFrom, createdTo, zone, errors);
        return new RecordFilter(customer, wanted, window.from(), window.to());
    }
}
