package io.till.automation;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.till.billing.Invoice;
import io.till.billing.Order;
import io.till.billing.Payment;
import io.till.billing.PaymentPlan;
import io.till.billing.Subscription;
import io.till.customer.Card;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The records a step's context reads fresh, by root, and their fields as the API spells them. */
final class RecordFields {

    static final Map<String, Class<? extends Record>> FRESH = Map.of("invoice", Invoice.class, "subscription",
        Subscription.class, "payment", Payment.class, "order", Order.class, "payment_plan", PaymentPlan.class,
        "card", Card.class);

    /** Every field of those records that holds a moment ({@code current_period_end}, {@code due_at}, …). */
    static final Set<String> MOMENTS = FRESH.values().stream()
        .flatMap(record -> names(record, component -> component.getType() == Instant.class).stream())
        .collect(Collectors.toUnmodifiableSet());

    private static final Map<String, Set<String>> FIELDS = FRESH.entrySet().stream()
        .collect(Collectors.toUnmodifiableMap(
            Map.Entry::getKey, entry -> names(entry.getValue(), component -> true)));

    private RecordFields() {}

    /** The fields of the record read fresh as {@code root}, or null when {@code root} is no such record. */
    static Set<String> of(String root) {
        return FIELDS.get(root);
    }

    /** The Java type of {@code field} of the record read fresh as {@code root}, or null when there is no such field. */
    static Class<?> type(String root, String field) {
        var record = FRESH.get(root);
        return record == null
            ? null
            : written(record).filter(component -> snake(component.getName()).equals(field))
                .map(RecordComponent::getType).findFirst().orElse(null);
    }

    /** The same fields in the order the record declares them, which is the order the API writes them. */
    static List<String> ordered(String root) {
        var record = FRESH.get(root);
        return record == null
            ? List.of()
            : written(record).map(RecordComponent::getName).map(RecordFields::snake).toList();
    }

    private static String snake(String name) {
        return name.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }

    private static Set<String> names(Class<? extends Record> record, Predicate<RecordComponent> which) {
        return written(record).filter(which).map(RecordComponent::getName).map(RecordFields::snake)
            .collect(Collectors.toUnmodifiableSet());
    }

    /** The components the API writes: not those it leaves out ({@code @JsonIgnore}, a record's own bookkeeping). */
    private static Stream<RecordComponent> written(Class<? extends Record> record) {
        return Arrays.stream(record.getRecordComponents())
            .filter(component -> !component.getAccessor().isAnnotationPresent(JsonIgnore.class));
    }
}
