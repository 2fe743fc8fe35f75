package io.till.customer;

import io.till.event.EventType;
import io.till.event.Events;
import io.till.shared.ErrorCode;
import io.till.shared.PersonalData;
import io.till.shared.Redaction;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Erases a customer's personal data when the seller is asked to (a buyer's right to erasure), as Recurly's redact and
 * Chargebee's clear-personal-data do: the customer, their orders, payments, invoices and runs stay, for the books and
 * the history, but name, email, phone, tags, metadata, billing addresses and saved cards are gone from the customer,
 * from every event and run that held them, and from the messages and deliveries sent about them. It cannot be undone,
 * and it waits until nothing bills the customer any more.
 */
@Service
public class CustomerRedactions {

    private final JdbcClient db;
    private final Customers customers;
    private final Events events;
    private final List<PersonalData> features;
    private final Clock clock;

    CustomerRedactions(JdbcClient db, Customers customers, Events events, List<PersonalData> features, Clock clock) {
        this.db = db;
        this.customers = customers;
        this.events = events;
        this.features = features;
        this.clock = clock;
    }

    /**
     * Redacts the customer, once: asked again, it answers the redacted customer. Refused (409, naming each) while a
     * subscription, payment plan, invoice or order of theirs is still open. Raises {@code customer.redacted}, whose data
     * holds no personal data, so that connected systems listening to webhooks can erase their copies too.
     */
    @Transactional
    public Customer redact(String accountId, String customerId) {
        Customer customer = customers.lockForUpdate(accountId, customerId);
        if (customer.redactedAt() != null) {
            return customer;
        }
        var obstacles = new ArrayList<String>();
        features.forEach(feature -> obstacles.addAll(feature.obstacles(accountId, customerId)));
        if (!obstacles.isEmpty()) {
            throw new TillException(ErrorCode.INVALID_STATE, "Customer " + customerId + " cannot be erased while "
                + String.join("; ", obstacles) + ". Till keeps what it still bills with: end these first.");
        }
        Set<String> exact = new HashSet<>();
        Set<String> names = new HashSet<>();
        exact.add(customer.email());
        if (customer.phone() != null) {
            exact.add(customer.phone());
        }
        names.add(customer.name());
        // A custom field may hold an identifier of the person (a CRM contact id), or a flag that is no one's ("true",
        // "vip"): short values and flags are not searched for, lest they be erased from every sentence of the log.
        customer.metadata().values().stream()
            .filter(value -> value.strip().length() >= 4 && !Set.of("true", "false").contains(value.strip()))
            .forEach(exact::add);
        features.forEach(feature -> {
            var values = feature.values(accountId, customerId);
            exact.addAll(values.exact());
            names.addAll(values.names());
        });
        var redaction = Redaction.of(customerId, Redaction.emailOf(customerId), exact, names);
        features.forEach(feature -> feature.erase(accountId, customerId, redaction));
        var now = Timestamps.of(Timestamps.now(clock));
        // Saved cards leave the wallet; their rows stay (brand and last 4) for the payments made with them.
        db.sql("""
            UPDATE customers
               SET name = :name, email = :email, phone = NULL, tags = '{}', metadata = '{}',
                   marketing_consent = false, default_card_id = NULL, redacted_at = :now, updated_at = :now
             WHERE account_id = :accountId AND id = :id
            """)
            .param("name", Redaction.MARK)
            .param("email", Redaction.emailOf(customerId))
            .param("now", now)
            .param("accountId", accountId)
            .param("id", customerId)
            .update();
        db.sql("""
            UPDATE cards SET detached_at = :now
             WHERE account_id = :accountId AND customer_id = :id AND detached_at IS NULL
            """)
            .param("now", now)
            .param("accountId", accountId)
            .param("id", customerId)
            .update();
        Customer redacted = customers.get(accountId, customerId);
        events.record(accountId, EventType.CUSTOMER_REDACTED, customerId, Map.of("customer", redacted));
        return redacted;
    }
}
