package io.till.customer;

import io.till.event.CustomerLookup;
import io.till.event.EventType;
import io.till.event.Events;
import io.till.idempotency.RequestEffects;
import io.till.shared.ErrorCode;
import io.till.shared.FieldError;
import io.till.shared.FieldErrors;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The customers of every account; each change is recorded with its event in the same transaction. */
@Repository
public class Customers implements CustomerLookup {

    /** A customer row with its default card, if any. */
    private static final String SELECT = """
        SELECT c.id, c.name, c.email, c.phone, c.tags, c.metadata, c.marketing_consent, c.created_at, c.updated_at,
               c.redacted_at,
               d.id AS card_id, d.brand AS card_brand, d.last4 AS card_last4, d.exp_month AS card_exp_month,
               d.exp_year AS card_exp_year
          FROM customers c
          LEFT JOIN cards d ON d.id = c.default_card_id
        """;

    private final JdbcClient db;
    private final Events events;
    private final JsonMapper json;
    private final Clock clock;
    private final RequestEffects effects;

    Customers(JdbcClient db, Events events, JsonMapper json, Clock clock, RequestEffects effects) {
        this.effects = effects;
        this.db = db;
        this.events = events;
        this.json = json;
        this.clock = clock;
    }

    @Transactional
    Customer create(String accountId, CustomerFields fields) {
        var earlier = effects.recordedBefore("customer");
        if (earlier.isPresent()) {
            // Created by an earlier attempt of this keyed request, which never got to answer (a crash, a 5xx).
            return get(accountId, earlier.get());
        }
        var customer = newCustomer(fields);
        ensureEmailFree(accountId, customer.email(), customer.id());
        try {
            insert(accountId, customer, "");
        } catch (DuplicateKeyException e) {
            throw emailTaken(customer.email(), "another customer");
        }
        events.record(accountId, EventType.CUSTOMER_CREATED, customer.id(), Map.of("customer", customer));
        effects.recorded("customer", customer.id());
        return customer;
    }

    private Customer newCustomer(CustomerFields fields) {
        Instant now = Timestamps.now(clock);
        return new Customer(Ids.newId("cus"), fields.name().orElseThrow(), fields.email().orElseThrow(),
            fields.phone().flatMap(phone -> phone).orElse(null), fields.tags().orElse(List.of()),
            fields.metadata().orElse(Map.of()), fields.marketingConsent().orElse(false), null, now, now, null);
    }

    /** Inserts the row; {@code onConflict} may end the statement, and then it answers whether a row went in. */
    private boolean insert(String accountId, Customer customer, String onConflict) {
        return db.sql("""
            INSERT INTO customers (id, account_id, name, email, phone, tags, metadata, marketing_consent,
                                   created_at, updated_at)
            VALUES (:id, :accountId, :name, :email, :phone, :tags, CAST(:metadata AS jsonb), :marketingConsent,
                    :createdAt, :createdAt)
            """ + onConflict)
            .param("id", customer.id())
            .param("accountId", accountId)
            .param("name", customer.name())
            .param("email", customer.email())
            .param("phone", customer.phone())
            .param("tags", customer.tags().toArray(String[]::new))
            .param("metadata", json.writeValueAsString(customer.metadata()))
            .param("marketingConsent", customer.marketingConsent())
            .param("createdAt", Timestamps.of(customer.createdAt()))
            .update() == 1;
    }

    /**
     * Applies the given fields. {@code customer.updated} lists the previous values of what changed; a change of
     * marketing consent also raises {@code customer.marketing_consent_changed}. Nothing changed, nothing recorded.
     */
    @Transactional
    public Customer update(String accountId, String id, CustomerFields fields) {
        Customer before = lockForUpdate(accountId, id);
        refuseIfRedacted(before, "changed");
        var after = new Customer(id, fields.name().orElse(before.name()), fields.email().orElse(before.email()),
            fields.phone().isPresent() ? fields.phone().get().orElse(null) : before.phone(),
            fields.tags().orElse(before.tags()), fields.metadata().orElse(before.metadata()),
            fields.marketingConsent().orElse(before.marketingConsent()), before.defaultCard(), before.createdAt(),
            Timestamps.now(clock), null);
        var previous = previousAttributes(before, after);
        if (previous.isEmpty()) {
            return before;
        }
        ensureEmailFree(accountId, after.email(), id);
        try {
            db.sql("""
                UPDATE customers
                   SET name = :name, email = :email, phone = :phone, tags = :tags, metadata = CAST(:metadata AS jsonb),
                       marketing_consent = :marketingConsent, updated_at = :updatedAt
                 WHERE account_id = :accountId AND id = :id
                """)
                .param("name", after.name())
                .param("email", after.email())
                .param("phone", after.phone())
                .param("tags", after.tags().toArray(String[]::new))
                .param("metadata", json.writeValueAsString(after.metadata()))
                .param("marketingConsent", after.marketingConsent())
                .param("updatedAt", Timestamps.of(after.updatedAt()))
                .param("accountId", accountId)
                .param("id", id)
                .update();
        } catch (DuplicateKeyException e) {
            throw emailTaken(after.email(), "another customer");
        }
        events.record(accountId, EventType.CUSTOMER_UPDATED, id,
            Map.of("customer", after, "previous_attributes", previous));
        if (after.marketingConsent() != before.marketingConsent()) {
            events.record(accountId, EventType.CUSTOMER_MARKETING_CONSENT_CHANGED, id,
                Map.of("customer", after, "marketing_consent", after.marketingConsent()));
        }
        return after;
    }

    /**
     * Applies fields given as JSON (as an automation step gives them), checked like an API update; every bad field is
     * reported.
     */
    @Transactional
    public Customer update(String accountId, String id, JsonNode body) {
        var errors = new FieldErrors();
        var fields = CustomerFields.forUpdate(body, errors);
        errors.throwIfAny();
        return update(accountId, id, fields);
    }

    /** Adds and removes tags under the row's lock, so that two steps tagging the same customer both count. */
    @Transactional
    public Customer changeTags(String accountId, String id, Collection<String> add, Collection<String> remove) {
        Customer current = lockForUpdate(accountId, id);
        var tags = Tags.change(current.tags(), add, remove);
        if (tags.equals(current.tags())) {
            return current;
        }
        var body = json.createObjectNode();
        tags.forEach(body.putArray("tags")::add);
        return update(accountId, id, body);
    }

    private static Map<String, Object> previousAttributes(Customer before, Customer after) {
        var previous = new LinkedHashMap<String, Object>();
        putIfChanged(previous, "name", before.name(), after.name());
        putIfChanged(previous, "email", before.email(), after.email());
        putIfChanged(previous, "phone", before.phone(), after.phone());
        putIfChanged(previous, "tags", before.tags(), after.tags());
        putIfChanged(previous, "metadata", before.metadata(), after.metadata());
        putIfChanged(previous, "marketing_consent", before.marketingConsent(), after.marketingConsent());
        return previous;
    }

    private static void putIfChanged(Map<String, Object> previous, String field, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            // LinkedHashMap takes the null of a cleared phone; Map.of would not.
            previous.put(field, before);
        }
    }

    /**
     * A customer whose personal data was erased takes no new data: erasing it again would be the only way out.
     *
     * @param what what the caller would do to them, as in "an erased customer cannot be …"
     */
    public static void refuseIfRedacted(Customer customer, String what) {
        if (customer.redactedAt() != null) {
            throw new TillException(ErrorCode.INVALID_STATE, "The personal data of customer " + customer.id()
                + " was erased on " + customer.redactedAt() + "; an erased customer cannot be " + what + ".");
        }
    }

    /**
     * Locks the customer a purchase is for, as {@link #lockForUpdate} does, and refuses one whose personal data was
     * erased. Taken before the purchase writes anything of theirs: an erasure either came first and is seen here, or
     * waits for the purchase's pending order, which it then finds (and refuses to erase while it is open).
     */
    public Customer lockForPurchase(String accountId, String id) {
        Customer customer = lockForUpdate(accountId, id);
        refuseIfRedacted(customer, "charged again: add the buyer as a new customer");
        return customer;
    }

    /**
     * Locks the customer as an erasure does, for a write made from their data as it was read before: answers whether
     * it is still there (false once erased, and the write must not bring it back). An erasure either came first and is
     * seen here, or waits for the caller's transaction and then finds what it wrote.
     */
    public boolean lockUnerased(String accountId, String id) {
        return lockForUpdate(accountId, id).redactedAt() == null;
    }

    /** The account's customer with this email, in any case. */
    public Optional<Customer> findByEmail(String accountId, String email) {
        return db.sql(SELECT + " WHERE c.account_id = :accountId AND lower(c.email) = lower(:email)")
            .param("accountId", accountId)
            .param("email", email == null ? null : CustomerFields.canonicalEmail(email))
            .query(this::customer)
            .optional();
    }

    @Override
    public Optional<String> idOfEmail(String accountId, String email) {
        return findByEmail(accountId, email).map(Customer::id);
    }

    public Optional<Customer> find(String accountId, String id) {
        return db.sql(SELECT + " WHERE c.account_id = :accountId AND c.id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(this::customer)
            .optional();
    }

    /**
     * Adds to {@code errors}, under {@code field} (customer.name in a purchase), why {@link #buyer} would refuse this
     * name: checked with the request's other fields, before a card is attached at the gateway.
     */
    public static void checkBuyerName(String name, String field, FieldErrors errors) {
        CustomerFields.checkName(name, field, errors);
    }

    /**
     * The buyer met at a checkout: the customer with this email, or a new one, which raises {@code customer.created}
     * like any other creation. Two purchases by the same new buyer at once make one customer: the second one's insert
     * waits for the first's and then finds its row, instead of failing on the taken email.
     */
    @Transactional
    public Customer buyer(String accountId, String name, String email) {
        var errors = new FieldErrors();
        var body = json.createObjectNode().put("name", name).put("email", email);
        var fields = CustomerFields.forCreate(body, errors);
        errors.throwIfAny();
        var known = findByEmail(accountId, fields.email().orElseThrow());
        if (known.isPresent()) {
            return known.get();
        }
        var customer = newCustomer(fields);
        if (!insert(accountId, customer, "ON CONFLICT (account_id, lower(email)) DO NOTHING")) {
            return findByEmail(accountId, customer.email()).orElseThrow();
        }
        events.record(accountId, EventType.CUSTOMER_CREATED, customer.id(), Map.of("customer", customer));
        return customer;
    }

    /**
     * Locks the customer's row until the transaction ends, so that changes to it queue up, and then reads the customer
     * as the change before it left them. Two statements on purpose: a statement that locks a row it joins reads that
     * row again once the lock is granted, but not the joined default card, which it sees as it was before the wait (a
     * default changed meanwhile, by a change queued ahead, would be missed).
     */
    Customer lockForUpdate(String accountId, String id) {
        db.sql("SELECT id FROM customers WHERE account_id = :accountId AND id = :id FOR NO KEY UPDATE")
            .param("accountId", accountId)
            .param("id", id)
            .query(String.class)
            .optional()
            .orElseThrow(() -> TillException.notFound("customer", id));
        return get(accountId, id);
    }

    public Customer get(String accountId, String id) {
        return find(accountId, id).orElseThrow(() -> TillException.notFound("customer", id));
    }

    @Override
    public Optional<Object> snapshot(String accountId, String customerId) {
        return find(accountId, customerId).map(Object.class::cast);
    }

    @Override
    public Map<String, String> names(String accountId, Collection<String> customerIds) {
        if (customerIds.isEmpty()) {
            return Map.of();
        }
        var names = new HashMap<String, String>();
        db.sql("SELECT id, name FROM customers WHERE account_id = :accountId AND id = ANY(:ids)")
            .param("accountId", accountId)
            .param("ids", customerIds.stream().distinct().toArray(String[]::new))
            .query(rs -> {
                names.put(rs.getString("id"), rs.getString("name"));
            });
        return names;
    }

    /**
     * Lists customers newest first; with {@code query}, only those whose name or email contains it, in any case, with
     * or without accents, with straight or curly apostrophes ("Zoe" finds "Zoë", "O'Brien" finds "O’Brien"; both
     * sides folded by {@code customer_search_text}, V77), a trigram index keeping this fast on large accounts.
     */
    public Page<Customer> list(String accountId, String query, PageRequest page) {
        String needle = query == null ? null : query.strip().toLowerCase();
        if (needle == null) {
            return page.page(fetch(accountId, ids("""
                SELECT id FROM customers
                 WHERE account_id = :accountId AND (CAST(:afterId AS text) IS NULL OR id < :afterId)
                 ORDER BY id DESC
                 LIMIT :limit
                """, accountId, null, page)), Customer::id);
        }
        // Two plans, each fast where the other is slow (measured: bench/customer-search). A common needle ("ada") has
        // a page of matches among the newest customers, so walking a bounded number of them newest first finds it at
        // once; when that walk yields a full page it is the right page, since no newer match lies beyond it. A rare
        // needle ("4711") is found through the trigram index, materialized first so that the planner cannot turn it
        // back into a walk of the whole account. Needles under three characters have no trigrams; they are common.
        var found = ids("""
            SELECT id FROM (SELECT id, name, email FROM customers
                             WHERE account_id = :accountId AND (CAST(:afterId AS text) IS NULL OR id < :afterId)
                             ORDER BY id DESC
                             LIMIT %d) recent
             WHERE customer_search_text(name || ' ' || email) LIKE %s
             ORDER BY id DESC
             LIMIT :limit
            """.formatted(needle.length() < 3 ? Integer.MAX_VALUE : 2000, CONTAINING), accountId, needle, page);
        if (found.size() < page.fetchSize() && needle.length() >= 3) {
            found = ids("""
                WITH matches AS MATERIALIZED (
                    SELECT id FROM customers
                     WHERE account_id = :accountId
                       AND customer_search_text(name || ' ' || email) LIKE %s
                       AND (CAST(:afterId AS text) IS NULL OR id < :afterId)
                )
                SELECT id FROM matches ORDER BY id DESC LIMIT :limit
                """.formatted(CONTAINING), accountId, needle, page);
        }
        return page.page(fetch(accountId, found), Customer::id);
    }

    /**
     * The LIKE pattern of any text holding {@code :needle}, folded as the searched text is (accents, case, fullwidth
     * forms) and only then escaped: folding maps a fullwidth ％ or ＿ to a wildcard, which escaping first let through.
     */
    private static final String CONTAINING = """
        '%' || replace(replace(replace(customer_search_text(:needle), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'""";

    private List<String> ids(String sql, String accountId, String needle, PageRequest page) {
        var statement = db.sql(sql)
            .param("accountId", accountId)
            .param("afterId", page.afterId())
            .param("limit", page.fetchSize());
        if (needle != null) {
            statement = statement.param("needle", needle);
        }
        return statement.query(String.class).list();
    }

    /** The customers with these ids, newest first. */
    private List<Customer> fetch(String accountId, List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return db.sql(SELECT + " WHERE c.account_id = :accountId AND c.id = ANY(:ids) ORDER BY c.id DESC")
            .param("accountId", accountId)
            .param("ids", ids.toArray(String[]::new))
            .query(this::customer)
            .list();
    }

    /** Checked before writing, because a unique violation would abort the transaction, events and all. */
    private void ensureEmailFree(String accountId, String email, String customerId) {
        db.sql("""
            SELECT id FROM customers
             WHERE account_id = :accountId AND lower(email) = lower(:email) AND id <> :customerId
            """)
            .param("accountId", accountId)
            .param("email", email)
            .param("customerId", customerId)
            .query(String.class)
            .optional()
            .ifPresent(owner -> {
                throw emailTaken(email, owner);
            });
    }

    private static TillException emailTaken(String email, String owner) {
        return new TillException(ErrorCode.EMAIL_TAKEN, "The email " + email + " already belongs to " + owner + ".",
            List.of(new FieldError("email", "taken", "belongs to " + owner)));
    }

    private Customer customer(ResultSet rs, int row) throws SQLException {
        Array tags = rs.getArray("tags");
        return new Customer(rs.getString("id"), rs.getString("name"), rs.getString("email"), rs.getString("phone"),
            List.of((String[]) tags.getArray()), json.readValue(rs.getString("metadata"), new TypeReference<>() {
            }),
            rs.getBoolean("marketing_consent"), defaultCard(rs), Timestamps.read(rs, "created_at"),
            Timestamps.read(rs, "updated_at"), Timestamps.read(rs, "redacted_at"));
    }

    private static Card.Summary defaultCard(ResultSet rs) throws SQLException {
        String id = rs.getString("card_id");
        return id == null
            ? null
            : new Card.Summary(id, rs.getString("card_brand"), rs.getString("card_last4"),
                rs.getInt("card_exp_month"), rs.getInt("card_exp_year"));
    }
}
