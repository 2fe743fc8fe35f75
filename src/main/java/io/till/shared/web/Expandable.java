package io.till.shared.web;

import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A kind of record an API answer can carry in place of its id (PRODUCT §8, {@code expand}): {@code ?expand=customer}
 * adds {@code customer}, the record {@code customer_id} names, as the API answers that record (a customer without its
 * stats). Each feature declares its own; {@link Expansions} applies them.
 *
 * @param name what a client asks for, and the field it fills ({@code customer} from {@code customer_id})
 * @param find the record of this account with this id, or empty when there is none
 */
public record Expandable(String name, BiFunction<String, String, Optional<?>> find) {

    /** From a lookup that answers the record or throws not found (as the features' {@code get} do). */
    public static Expandable of(String name, BiFunction<String, String, ?> get) {
        return new Expandable(name, (accountId, id) -> {
            try {
                return Optional.of(get.apply(accountId, id));
            } catch (TillException e) {
                if (e.code() == ErrorCode.NOT_FOUND) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }
}
