package io.till.customer;

import io.swagger.v3.oas.annotations.media.Schema;
import io.till.event.EventType;
import io.till.event.Events;
import io.till.shared.ErasureHolds;
import io.till.shared.ErrorCode;
import io.till.shared.PersonalData;
import io.till.shared.PersonalRows;
import io.till.shared.Redaction;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a buyer may ask of the seller about their personal data: a copy of it ({@link #export}, GDPR art. 15 and 20), or
 * its erasure ({@link #redact}, art. 17).
 *
 * <p>Erasure is done as Recurly's redact and Chargebee's clear-personal-data do: the customer, their orders, payments,
 * invoices and runs stay, for the books and the history, but name, email, phone, tags, metadata, billing addresses and
 * saved cards are gone from the customer, from every event and run that held them, and from the messages and
 * deliveries sent about them. It cannot be undone, and it waits until nothing bills the customer any more.
 */
@Service
class PersonalDataRequests {

    /** Values of a custom field that flag a customer rather than name them. */
    private static final Set<String> FLAG_WORDS = Set.of("true", "false", "none", "null", "active", "inactive",
        "enabled", "disabled", "pending", "trial", "paid", "free", "premium", "basic", "standard", "gold", "silver",
        "bronze", "platinum", "lead", "customer", "member", "guest", "admin", "unknown", "other");

    private final JdbcClient db;
    private final JsonMapper json;
    private final Customers customers;
    private final Events events;
    private final List<PersonalData> features;
    private final Clock clock;

    PersonalDataRequests(JdbcClient db, JsonMapper json, Customers customers, Events events,
        List<PersonalData> features, Clock clock) {
        this.db = db;
        this.json = json;
        this.customers = customers;
        this.events = events;
        this.features = features;
        this.clock = clock;
    }

    /**
     * A buyer's copy of their data (GDPR art. 15 and 20): the customer, their saved cards, and what every feature keeps
     * about them, each as its records.
     *
     * @param records named lists: cards, orders (with their items), subscriptions, payment plans, invoices, payments,
     *     refunds, credit entries, events, automation runs and the actions they took, tasks, dev mailbox messages,
     *     portal sessions
     */
    @Schema(name = "PersonalDataCopy")
    public record Copy(Instant exportedAt, Customer customer, Map<String, JsonNode> records) {}

    @Transactional(readOnly = true)
    public Copy export(String accountId, String customerId) {
        Customer customer = customers.get(accountId, customerId);
        var records = new TreeMap<String, JsonNode>();
        records.put("cards", PersonalRows.of(db, json, """
            SELECT id, brand, last4, exp_month, exp_year, created_at, detached_at FROM cards
             WHERE account_id = :accountId AND customer_id = :customerId
            """, Map.of("accountId", accountId, "customerId", customerId)));
        var known = known(accountId, customer);
        features.forEach(feature -> records.putAll(feature.export(accountId, customerId, known)));
        return new Copy(Timestamps.now(clock), customer, records);
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
        // Before any feature looks: what is being written from their data as read before (a run started, a webhook
        // delivery made) is written first, and found, or reads them again after this.
        ErasureHolds.forErasure(db, accountId, customerId);
        var obstacles = new ArrayList<String>();
        features.forEach(feature -> obstacles.addAll(feature.obstacles(accountId, customerId)));
        if (!obstacles.isEmpty()) {
            throw new TillException(ErrorCode.INVALID_STATE, "Customer " + customerId + " cannot be erased while "
                + String.join("; ", obstacles) + ". Till keeps what it still bills with: end these first.");
        }
        Set<String> sellersNames = new HashSet<>();
        features.forEach(feature -> sellersNames.addAll(feature.sellersNames(accountId)));
        var known = known(accountId, customer, sellersNames);
        var redaction = Redaction.of(customerId, Redaction.emailOf(customerId), known, sellersNames);
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

    /** The customer's values: their record's, and those every feature knows of (an order's address, an old email). */
    private PersonalData.Values known(String accountId, Customer customer) {
        return known(accountId, customer, Set.of());
    }

    private PersonalData.Values known(String accountId, Customer customer, Set<String> sellersNames) {
        Set<String> exact = new HashSet<>();
        Set<String> names = new HashSet<>();
        Set<String> places = new HashSet<>();
        exact.add(customer.email());
        if (customer.phone() != null) {
            exact.add(customer.phone());
        }
        names.add(customer.name());
        // A custom field may hold an identifier of the person (a CRM contact id "zq-4411", a username, a maiden name),
        // or a flag that is no one's ("true", "vip", the seller's plan "Pro"): short values, flag words and the
        // catalog's names are not searched for, lest they be erased from every sentence of the log.
        Set<String> sellers = sellersNames.stream().map(name -> name.strip().toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());
        Set<String> fieldValues = new HashSet<>(customer.metadata().values());
        Set<String> contacts = new HashSet<>();
        contacts.add(customer.email());
        if (customer.phone() != null) {
            contacts.add(customer.phone());
        }
        features.forEach(feature -> {
            var values = feature.values(accountId, customer.id());
            // A feature's exact values that are no email or phone of theirs are a custom field's (one it had before
            // a change): held to the same rule as the fields it has now.
            values.exact().forEach(value -> (values.contacts().contains(value) ? exact : fieldValues).add(value));
            names.addAll(values.names());
            places.addAll(values.places());
            contacts.addAll(values.contacts());
        });
        fieldValues.stream()
            .filter(Objects::nonNull)
            .map(String::strip)
            .filter(value -> value.length() >= 4 && !FLAG_WORDS.contains(value.toLowerCase(Locale.ROOT))
                && !sellers.contains(value.toLowerCase(Locale.ROOT)))
            .forEach(exact::add);
        // The customer's own emails and phones, now and before, are theirs whoever else mentions them (a referral
        // field holding the address): set aside only when another customer's own email or phone is the same (an
        // address given up and taken since, a household's phone).
        Set<String> own = new HashSet<>(contacts);
        Set<String> others = new HashSet<>(exact);
        others.removeAll(own);
        exact.removeAll(heldByOthers(accountId, customer.id(), others, true));
        exact.removeAll(heldByOthers(accountId, customer.id(), own, false));
        contacts.retainAll(exact);
        return new PersonalData.Values(exact, names, places, contacts);
    }

    /**
     * Which of {@code values} another customer of the account holds now, as their email, their phone or (with
     * {@code fields}) a custom field's value: an email this customer had before another took it, a household's phone,
     * a campaign's name. They do not point at this customer: a copy found by them would hold another customer's mail
     * (a sign-in link among it), and an erasure would rewrite it.
     */
    private Set<String> heldByOthers(String accountId, String customerId, Set<String> values, boolean fields) {
        Map<String, String> byLowerCase = new HashMap<>();
        values.stream().filter(Objects::nonNull).forEach(value -> byLowerCase.put(value.strip().toLowerCase(
            Locale.ROOT), value));
        if (byLowerCase.isEmpty()) {
            return Set.of();
        }
        return db.sql("""
            SELECT DISTINCT held.value
              FROM customers c
             CROSS JOIN LATERAL (SELECT lower(c.email) AS value
                                 UNION ALL SELECT lower(c.phone)
                                 UNION ALL SELECT lower(btrim(field.value)) FROM jsonb_each_text(c.metadata) field
                                            WHERE :fields) held
             WHERE c.account_id = :accountId AND c.id <> :customerId AND held.value = ANY(:values)
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("fields", fields)
            .param("values", byLowerCase.keySet().toArray(String[]::new))
            .query(String.class)
            .list()
            .stream()
            .map(byLowerCase::get)
            .collect(Collectors.toSet());
    }
}
