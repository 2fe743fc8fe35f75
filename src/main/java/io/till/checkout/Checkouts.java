package io.till.checkout;

import io.swagger.v3.oas.annotations.media.Schema;
import io.till.catalog.Product;
import io.till.catalog.ProductOption;
import io.till.catalog.Products;
import io.till.shared.Amounts;
import io.till.shared.FieldErrors;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

@Repository
public class Checkouts {

    private final JdbcClient db;
    private final Products products;
    private final Clock clock;

    Checkouts(JdbcClient db, Products products, Clock clock) {
        this.db = db;
        this.products = products;
        this.clock = clock;
    }

    /** Checkout, addon and upsell names travel in purchase events: bounded like product names. */
    private static final int MAX_NAME = 200;
    /**
     * At most this many addons, and as many upsells, on one checkout (Stripe allows 20 line items): each addon bought
     * is an event that carries the order, so the cost of a purchase grows with the square of its addons.
     */
    static final int MAX_OFFERS = 20;

    record CheckoutInput(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String name,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String productId, List<AddonInput> addons,
        List<UpsellInput> upsells) {}

    record AddonInput(String name, Long amount, String currency) {}

    record UpsellInput(String name, String optionId) {}

    @Transactional
    Checkout create(String accountId, CheckoutInput input) {
        var errors = new FieldErrors();
        check(accountId, input, errors);
        errors.throwIfAny();
        List<AddonInput> addons = input.addons() == null ? List.of() : input.addons();
        List<UpsellInput> upsells = input.upsells() == null ? List.of() : input.upsells();
        String id = Ids.newId("chk");
        Instant now = Timestamps.now(clock);
        db.sql("""
            INSERT INTO checkouts (id, account_id, name, product_id, created_at)
            VALUES (:id, :accountId, :name, :productId, :now)
            """)
            .param("id", id)
            .param("accountId", accountId)
            .param("name", input.name().strip())
            .param("productId", input.productId())
            .param("now", Timestamps.of(now))
            .update();
        for (int i = 0; i < addons.size(); i++) {
            db.sql("""
                INSERT INTO checkout_addons (id, account_id, checkout_id, position, name, amount, currency)
                VALUES (:id, :accountId, :checkoutId, :position, :name, :amount, :currency)
                """)
                .param("id", Ids.newId("addon"))
                .param("accountId", accountId)
                .param("checkoutId", id)
                .param("position", i)
                .param("name", addons.get(i).name().strip())
                .param("amount", addons.get(i).amount())
                .param("currency", addons.get(i).currency().toLowerCase(Locale.ROOT))
                .update();
        }
        for (int i = 0; i < upsells.size(); i++) {
            db.sql("""
                INSERT INTO checkout_upsells (id, account_id, checkout_id, position, name, option_id)
                VALUES (:id, :accountId, :checkoutId, :position, :name, :optionId)
                """)
                .param("id", Ids.newId("upsell"))
                .param("accountId", accountId)
                .param("checkoutId", id)
                .param("position", i)
                .param("name", upsells.get(i).name().strip())
                .param("optionId", upsells.get(i).optionId())
                .update();
        }
        return get(accountId, id);
    }

    /** Adds every refusal of {@code input} to {@code errors}: the page shows them with its own, the API throws them. */
    void check(String accountId, CheckoutInput input, FieldErrors errors) {
        if (input.name() == null || input.name().isBlank()) {
            errors.add("name", "required", "is required");
        }
        errors.checkLength("name", input.name(), MAX_NAME);
        Optional<Product> product = Optional.empty();
        if (input.productId() == null) {
            errors.add("product_id", "required", "is required");
        } else {
            product = products.find(accountId, input.productId());
            if (product.isEmpty()) {
                errors.add("product_id", "not_found", "no product with this id");
            }
        }
        // The currencies a purchase of the product can be in: an addon or upsell in another could never be sold.
        Optional<Set<String>> sold = product.map(p -> p.options().stream().map(ProductOption::currency)
            .collect(Collectors.toSet()));
        List<AddonInput> addons = input.addons() == null ? List.of() : input.addons();
        if (addons.size() > MAX_OFFERS) {
            errors.add("addons", "too_many", "must hold at most " + MAX_OFFERS + " addons");
            addons = List.of();
        }
        for (int i = 0; i < addons.size(); i++) {
            var addon = addons.get(i);
            if (addon == null) {
                errors.add("addons[" + i + "]", "required", "must be an addon: {\"name\", \"amount\", \"currency\"}");
                continue;
            }
            if (addon.name() == null || addon.name().isBlank()) {
                errors.add("addons[" + i + "].name", "required", "is required");
            }
            errors.checkLength("addons[" + i + "].name", addon.name(), MAX_NAME);
            if (addon.amount() == null || addon.amount() <= 0) {
                errors.add("addons[" + i + "].amount", "out_of_range", "must be positive, in minor units");
            }
            Amounts.checkAtMostMax(errors, "addons[" + i + "].amount", addon.amount());
            if (!Amounts.isCurrency(addon.currency())) {
                errors.add("addons[" + i + "].currency", "invalid_format",
                    "must be a three-letter ISO currency code such as usd");
            } else {
                String field = "addons[" + i + "].currency";
                sold.flatMap(currencies -> OneCurrency.refusal(addon.currency(), "product", currencies))
                    .ifPresent(reason -> errors.add(field, "currency_mismatch", reason));
            }
        }
        List<UpsellInput> upsells = input.upsells() == null ? List.of() : input.upsells();
        if (upsells.size() > MAX_OFFERS) {
            errors.add("upsells", "too_many", "must hold at most " + MAX_OFFERS + " upsells");
            upsells = List.of();
        }
        for (int i = 0; i < upsells.size(); i++) {
            var upsell = upsells.get(i);
            if (upsell == null) {
                errors.add("upsells[" + i + "]", "required", "must be an upsell: {\"name\", \"option_id\"}");
                continue;
            }
            if (upsell.name() == null || upsell.name().isBlank()) {
                errors.add("upsells[" + i + "].name", "required", "is required");
            }
            errors.checkLength("upsells[" + i + "].name", upsell.name(), MAX_NAME);
            String field = "upsells[" + i + "].option_id";
            Optional<ProductOption> option = upsell.optionId() == null
                ? Optional.empty()
                : products.option(accountId, upsell.optionId());
            if (option.isEmpty()) {
                errors.add(field, "not_found", "must name an option of one of your products");
            } else if (option.get().retired()) {
                errors.add(field, "retired", "is no longer sold: choose an option on sale");
            } else {
                sold.flatMap(currencies -> OneCurrency.refusal(option.get().currency(), "product", currencies))
                    .ifPresent(reason -> errors.add(field, "currency_mismatch", reason));
            }
        }
    }

    public Checkout get(String accountId, String id) {
        // Read first, not inside the row mapper: a query there would need a second connection while this one is held.
        List<Checkout.Addon> addons = addons(accountId, id);
        List<Checkout.Upsell> upsells = upsells(accountId, id);
        return db
            .sql("SELECT id, name, product_id, created_at FROM checkouts WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query((rs, row) -> new Checkout(rs.getString("id"), rs.getString("name"), rs.getString("product_id"),
                addons, upsells, Timestamps.read(rs, "created_at")))
            .optional()
            .orElseThrow(() -> TillException.notFound("checkout", id));
    }

    /** The account's checkouts, newest first; only those selling {@code productId} when it is given. */
    Page<Checkout> list(String accountId, String productId, PageRequest page) {
        var ids = db.sql("""
            SELECT id FROM checkouts
             WHERE account_id = :accountId AND (CAST(:afterId AS text) IS NULL OR id < :afterId)
               AND (CAST(:productId AS text) IS NULL OR product_id = :productId)
             ORDER BY id DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("productId", productId)
            .param("afterId", page.afterId())
            .param("limit", page.fetchSize())
            .query(String.class)
            .list();
        var checkouts = new ArrayList<Checkout>();
        ids.forEach(id -> checkouts.add(get(accountId, id)));
        return page.page(checkouts, Checkout::id);
    }

    private List<Checkout.Addon> addons(String accountId, String checkoutId) {
        return db.sql("""
            SELECT id, name, amount, currency FROM checkout_addons
             WHERE account_id = :accountId AND checkout_id = :checkoutId
             ORDER BY position
            """)
            .param("accountId", accountId)
            .param("checkoutId", checkoutId)
            .query((rs, row) -> new Checkout.Addon(rs.getString("id"), rs.getString("name"), rs.getLong("amount"),
                rs.getString("currency")))
            .list();
    }

    private List<Checkout.Upsell> upsells(String accountId, String checkoutId) {
        return db.sql("""
            SELECT id, name, option_id FROM checkout_upsells
             WHERE account_id = :accountId AND checkout_id = :checkoutId
             ORDER BY position
            """)
            .param("accountId", accountId)
            .param("checkoutId", checkoutId)
            .query((rs, row) -> new Checkout.Upsell(rs.getString("id"), rs.getString("name"),
                rs.getString("option_id")))
            .list();
    }
}
