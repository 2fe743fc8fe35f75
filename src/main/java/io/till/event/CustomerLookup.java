package io.till.event;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** How the event log finds the customer a custom event names, without knowing the customer feature. */
public interface CustomerLookup {

    /** The customer as events show it, if the account has one with this id. */
    Optional<Object> snapshot(String accountId, String customerId);

    /** The id of the account's customer with this email, in any case. */
    Optional<String> idOfEmail(String accountId, String email);

    /** The names of the account's customers among {@code customerIds}, by id; an id not found is left out. */
    Map<String, String> names(String accountId, Collection<String> customerIds);
}
