package io.till.catalog;

import io.till.idempotency.RequestEffects;
import io.till.shared.ErrorCode;
import io.till.shared.FieldErrors;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Products and their options. */
@Repository
public class Products {

    private final JdbcClient db;
    private final Clock clock;
    private final RequestEffects effects;

    Products(JdbcClient db, Clock clock, RequestEffects effects) {
        this.effects = effects;
        this.db = db;
        this.clock = clock;
    }

    @Transactional
    Product create(String accountId, ProductInput input) {
        var earlier = effects.recordedBefore("product");
        if (earlier.isPresent()) {
            // Created by an earlier attempt of this keyed request, which never got to answer (a crash, a 5xx).
            return get(accountId, earlier.get());
        }
        var errors = new FieldErrors();
        input.validate(errors);
        if (input.subscriptionGroupId() != null && !groupExists(accountId, input.subscriptionGroupId())) {
            errors.add("subscription_group_id", "not_found", "no subscription group with this id");
        } else if (input.subscriptionGroupId() != null && input.options() != null && input.options().stream()
            .noneMatch(option -> option != null && "subscription".equalsIgnoreCase(option.kind()))) {
            // As a change refuses it (joinGroup): a group gathers subscriptions.
            errors.add("subscription_group_id", "not_a_subscription", "gathers subscription products, and this "
                + "product sells no subscription");
        }
        errors.throwIfAny();
        String id = Ids.newId("prod");
        Instant now = Timestamps.now(clock);
        db.sql("""
            INSERT INTO products (id, account_id, name, description, subscription_group_id, one_trial_per_customer,
                                  created_at)
            VALUES (:id, :accountId, :name, :description, :groupId, :oneTrial, :now)
            """)
            .param("id", id)
            .param("accountId", accountId)
            .param("name", input.name().strip())
            .param("description", input.description())
            .param("groupId", input.subscriptionGroupId())
            .param("oneTrial", Boolean.TRUE.equals(input.oneTrialPerCustomer()))
            .param("now", Timestamps.of(now))
            .update();
        for (int i = 0; i < input.options().size(); i++) {
            insertOption(accountId, id, i, input.options().get(i), now);
        }
        effects.recorded("product", id);
        return get(accountId, id);
    }

    /** The most options a product has, on sale and retired together. */
    static final int MAX_OPTIONS = 50;

    /**
     * Adds an option to a product, after its others: a new way to buy it (a yearly price beside the monthly one)
     * changes nothing that was bought before. {@code option} is checked already ({@link ProductInput#validateOption}).
     */
    @Transactional
    Product addOption(String accountId, String productId, ProductInput.OptionInput option) {
        if (effects.recordedBefore("product_option").isPresent()) {
            // Added by an earlier attempt of this keyed request, which never got to answer: not added twice.
            return get(accountId, productId);
        }
        lock(accountId, productId);
        int count = db.sql("SELECT count(*) FROM product_options WHERE account_id = :accountId AND product_id = :id")
            .param("accountId", accountId)
            .param("id", productId)
            .query(Integer.class)
            .single();
        if (count >= MAX_OPTIONS) {
            throw TillException.invalid("options", "too_many", "a product has at most " + MAX_OPTIONS + " options, "
                + "retired ones included: create a new product");
        }
        insertOption(accountId, productId, count, option, Timestamps.now(clock));
        effects.recorded("product_option", productId);
        return get(accountId, productId);
    }

    /**
     * Stops selling an option of a product: checkouts no longer offer it, and an order or upsell naming it is refused;
     * what was bought with it (orders, subscriptions, plans) keeps it. Retiring it again changes nothing. Refused for
     * the product's last option on sale (add another first) and for an option an upsell sells (change the upsell).
     */
    @Transactional
    Product retireOption(String accountId, String productId, String optionId) {
        lock(accountId, productId);
        var option = option(accountId, optionId).filter(o -> o.productId().equals(productId))
            .orElseThrow(() -> TillException.notFound("option", optionId));
        if (option.retired()) {
            return get(accountId, productId);
        }
        var product = get(accountId, productId);
        if (product.options().size() == 1) {
            throw new TillException(ErrorCode.INVALID_STATE, "\u201c" + option.name() + "\u201d is the last option "
                + product.name() + " is sold under: add another option first");
        }
        var upsells = db.sql("""
            SELECT c.name FROM checkout_upsells u
              JOIN checkouts c ON c.account_id = u.account_id AND c.id = u.checkout_id
             WHERE u.account_id = :accountId AND u.option_id = :optionId AND u.retired_at IS NULL
             ORDER BY c.name
            """)
            .param("accountId", accountId)
            .param("optionId", optionId)
            .query(String.class)
            .list();
        if (!upsells.isEmpty()) {
            throw new TillException(ErrorCode.INVALID_STATE, "\u201c" + option.name() + "\u201d is sold as an upsell "
                + "at " + (upsells.size() == 1 ? "the checkout " : "the checkouts ") + String.join(", ", upsells
                    .stream().distinct().map(name -> "\u201c" + name + "\u201d").toList())
                + ": offer another option there first");
        }
        db.sql("UPDATE product_options SET retired_at = :now WHERE account_id = :accountId AND id = :id")
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("id", optionId)
            .update();
        return get(accountId, productId);
    }

    /** Sells a retired option again, as it was and under its id; one on sale already stays as it is. */
    @Transactional
    Product restoreOption(String accountId, String productId, String optionId) {
        lock(accountId, productId);
        option(accountId, optionId).filter(o -> o.productId().equals(productId))
            .orElseThrow(() -> TillException.notFound("option", optionId));
        db.sql("UPDATE product_options SET retired_at = NULL WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", optionId)
            .update();
        return get(accountId, productId);
    }

    /** Holds the product until the transaction ends: its options are added, retired and restored one at a time. */
    private void lock(String accountId, String productId) {
        db.sql("SELECT id FROM products WHERE account_id = :accountId AND id = :id FOR UPDATE")
            .param("accountId", accountId)
            .param("id", productId)
            .query(String.class)
            .optional()
            .orElseThrow(() -> TillException.notFound("product", productId));
    }

    private void insertOption(String accountId, String productId, int position, ProductInput.OptionInput option,
        Instant now) {
        var kind = ProductOption.Kind.valueOf(option.kind().toUpperCase(Locale.ROOT));
        db.sql("""
            INSERT INTO product_options (id, account_id, product_id, position, name, kind, amount, currency,
                                         interval, interval_count, trial_days, installments, cycles, display,
                                         created_at)
            VALUES (:id, :accountId, :productId, :position, :name, :kind, :amount, :currency, :interval,
                    :intervalCount, :trialDays, :installments, :cycles, :display, :now)
            """)
            .param("id", Ids.newId("opt"))
            .param("accountId", accountId)
            .param("productId", productId)
            .param("position", position)
            .param("name", option.name().strip())
            .param("kind", kind.code())
            .param("amount", option.amount())
            .param("currency", option.currency().toLowerCase(Locale.ROOT))
            // Blank is absent, as the checks read it (FieldErrors.parseEnum).
            .param("interval", option.interval() == null || option.interval().isEmpty()
                ? null
                : ProductOption.Interval.valueOf(option.interval().toUpperCase(Locale.ROOT)).code())
            .param("intervalCount", kind == ProductOption.Kind.ONE_TIME
                ? null
                : option.intervalCount() == null ? 1 : option.intervalCount())
            .param("trialDays", option.trialDays())
            .param("installments", option.installments())
            .param("cycles", option.cycles())
            .param("display", option.display() == null || option.display().isEmpty()
                ? "radio"
                : ProductOption.Display.valueOf(option.display().toUpperCase(Locale.ROOT)).code())
            .param("now", Timestamps.of(now))
            .update();
    }

    /**
     * Renames a product, changes its description, or puts it in a subscription group while it has none (its
     * subscriptions, in no group until then, join it); what {@code change} leaves null stays as it is.
     */
    @org.springframework.transaction.annotation.Transactional
    Product update(String accountId, String id, ProductChange change) {
        if (change.subscriptionGroupId() != null) {
            joinGroup(accountId, get(accountId, id), change.subscriptionGroupId());
        }
        int updated = db.sql("""
            UPDATE products
               SET name = COALESCE(:name, name),
                   one_trial_per_customer = COALESCE(:oneTrial, one_trial_per_customer),
                   description = CASE WHEN CAST(:description AS text) IS NULL THEN description
                                      ELSE NULLIF(:description, '') END
             WHERE account_id = :accountId AND id = :id
            """)
            .param("name", change.name())
            .param("oneTrial", change.oneTrialPerCustomer())
            .param("description", change.description())
            .param("accountId", accountId)
            .param("id", id)
            .update();
        if (updated == 0) {
            throw TillException.notFound("product", id);
        }
        return get(accountId, id);
    }

    private void joinGroup(String accountId, Product product, String groupId) {
        if (groupId.equals(product.subscriptionGroupId())) {
            return;
        }
        if (product.subscriptionGroupId() != null) {
            throw TillException.invalid("subscription_group_id", "not_changeable", "cannot change once given: "
                + "subscriptions keep the group they were bought in");
        }
        if (!groupExists(accountId, groupId)) {
            throw TillException.invalid("subscription_group_id", "not_found", "no subscription group with this id");
        }
        if (!product.sellsSubscriptions()) {
            throw TillException.invalid("subscription_group_id", "not_a_subscription", "gathers subscription "
                + "products, and this product sells no subscription");
        }
        // Its subscriptions were bought in no group: they join it, so that automations scoped to the group hear them.
        db.sql("""
            WITH joined AS (
              UPDATE products SET subscription_group_id = :groupId
               WHERE account_id = :accountId AND id = :id AND subscription_group_id IS NULL
              RETURNING id)
            UPDATE subscriptions SET subscription_group_id = :groupId
             WHERE account_id = :accountId AND product_id IN (SELECT id FROM joined)
               AND subscription_group_id IS NULL
            """)
            .param("groupId", groupId)
            .param("accountId", accountId)
            .param("id", product.id())
            .update();
    }

    /**
     * Whether a purchase of {@code option} by {@code customerId} (null: a new customer) starts with the option's free
     * trial: it has one, and the product gives it more than once or the customer never had a subscription to it.
     */
    public boolean startsWithTrial(String accountId, Product product, ProductOption option, String customerId) {
        if (!option.startsWithTrial()) {
            return false;
        }
        if (!product.oneTrialPerCustomer() || customerId == null) {
            return true;
        }
        return !db.sql("""
            SELECT EXISTS (SELECT 1 FROM subscriptions
                            WHERE account_id = :accountId AND customer_id = :customerId AND product_id = :productId)
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("productId", product.id())
            .query(Boolean.class)
            .single();
    }

    /** Product names read once each, for a page or an export that shows many records of one account. */
    public Names names(String accountId) {
        return new Names(accountId);
    }

    /** The names of one account's products, by id; a product that is gone is a "Removed product". */
    public final class Names {
        private final String accountId;
        private final Map<String, String> known = new HashMap<>();

        private Names(String accountId) {
            this.accountId = accountId;
        }

        public String of(String productId) {
            return known.computeIfAbsent(productId, id -> db.sql("""
                SELECT name FROM products WHERE account_id = :accountId AND id = :id
                """)
                .param("accountId", accountId)
                .param("id", id)
                .query(String.class)
                .optional()
                .orElse("Removed product"));
        }
    }

    public Product get(String accountId, String id) {
        return find(accountId, id).orElseThrow(() -> TillException.notFound("product", id));
    }

    public Optional<Product> find(String accountId, String id) {
        // Read first, not inside the row mapper: a query there would need a second connection while this one is held.
        List<ProductOption> options = options(accountId, id);
        return db.sql("""
            SELECT id, name, description, subscription_group_id, one_trial_per_customer, created_at
              FROM products
             WHERE account_id = :accountId AND id = :id
            """)
            .param("accountId", accountId)
            .param("id", id)
            .query((rs, row) -> new Product(rs.getString("id"), rs.getString("name"), rs.getString("description"),
                rs.getString("subscription_group_id"), options.stream().filter(o -> !o.retired()).toList(),
                options.stream().filter(ProductOption::retired).toList(), rs.getBoolean("one_trial_per_customer"),
                Timestamps.read(rs, "created_at")))
            .optional();
    }

    /** An option of the account's, whatever its product. */
    /**
     * The option as it stands once a change of its product under way has ended, its product held until the caller's
     * transaction ends: a retirement of it either came first and is seen here, or waits and then finds what the caller
     * wrote (an upsell that sells it), and refuses. Read so by whatever starts selling an option.
     */
    public Optional<ProductOption> optionHeld(String accountId, String optionId) {
        db.sql("""
            SELECT p.id FROM products p
              JOIN product_options o ON o.account_id = p.account_id AND o.product_id = p.id
             WHERE o.account_id = :accountId AND o.id = :id
               FOR SHARE OF p
            """)
            .param("accountId", accountId)
            .param("id", optionId)
            .query(String.class)
            .optional();
        return option(accountId, optionId);
    }

    public Optional<ProductOption> option(String accountId, String optionId) {
        return db.sql("SELECT * FROM product_options WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", optionId)
            .query(Products::option)
            .optional();
    }

    public Page<Product> list(String accountId, PageRequest page) {
        var ids = db.sql("""
            SELECT id FROM products
             WHERE account_id = :accountId AND (CAST(:afterId AS text) IS NULL OR id < :afterId)
             ORDER BY id DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("afterId", page.afterId())
            .param("limit", page.fetchSize())
            .query(String.class)
            .list();
        var products = new ArrayList<Product>();
        ids.forEach(id -> products.add(get(accountId, id)));
        return page.page(products, Product::id);
    }

    private List<ProductOption> options(String accountId, String productId) {
        return db.sql("""
            SELECT * FROM product_options
             WHERE account_id = :accountId AND product_id = :productId
             ORDER BY position
            """)
            .param("accountId", accountId)
            .param("productId", productId)
            .query(Products::option)
            .list();
    }

    private boolean groupExists(String accountId, String groupId) {
        return db.sql("SELECT count(*) FROM subscription_groups WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", groupId)
            .query(Long.class)
            .single() == 1;
    }

    private static ProductOption option(ResultSet rs, int row) throws SQLException {
        String interval = rs.getString("interval");
        return new ProductOption(rs.getString("id"), rs.getString("product_id"), rs.getString("name"),
            ProductOption.Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)), rs.getLong("amount"),
            rs.getString("currency"),
            interval == null ? null : ProductOption.Interval.valueOf(interval.toUpperCase(Locale.ROOT)),
            rs.getObject("interval_count", Integer.class), rs.getObject("trial_days", Integer.class),
            rs.getObject("installments", Integer.class), rs.getObject("cycles", Integer.class),
            ProductOption.Display.valueOf(rs.getString("display").toUpperCase(Locale.ROOT)),
            Timestamps.read(rs, "retired_at"));
    }
}
