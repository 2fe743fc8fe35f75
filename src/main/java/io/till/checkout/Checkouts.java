package io.till.checkout;

import io.swagger.v3.oas.annotations.media.Schema;
import io.till.catalog.Product;
import io.till.catalog.ProductOption;
import io.till.catalog.Products;
import io.till.idempotency.RequestEffects;
import io.till.payment.Gateways;
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
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

@Repository
public class Checkouts {

    private final JdbcClient db;
    private final Products products;
    private final CheckoutOffers offers;
    private final Clock clock;
    private final RequestEffects effects;

    Checkouts(JdbcClient db, Products products, CheckoutOffers offers, Clock clock, RequestEffects effects) {
        this.effects = effects;
        this.db = db;
        this.products = products;
        this.offers = offers;
        this.clock = clock;
    }

    /** An offer bump or an upsell as its row reads, on sale or retired. */
    private static final RowMapper<Checkout.Addon> ADDON = (rs, row) -> new Checkout.Addon(rs.getString("id"),
        rs.getString("name"), rs.getLong("amount"), rs.getString("currency"));
    private static final RowMapper<Checkout.Upsell> UPSELL = (rs, row) -> new Checkout.Upsell(rs.getString("id"),
        rs.getString("name"), rs.getString("option_id"));

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
        var earlier = effects.recordedBefore("checkout");
        if (earlier.isPresent()) {
            // Created by an earlier attempt of this keyed request, which never got to answer (a crash, a 5xx).
            return get(accountId, earlier.get());
        }
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
        offers.add(accountId, id, addons, upsells);
        effects.recorded("checkout", id);
        return get(accountId, id);
    }

    /**
     * Applies {@code change} (see {@link CheckoutChange}): refused as a new checkout's offers are, and an offer's
     * {@code id} must name one on sale here; an upsell keeps the option it was offered with (orders mid-flow answer
     * what they were shown), so another option is a new upsell. Offers left out are retired.
     */
    @Transactional
    Checkout update(String accountId, String id, CheckoutChange asked) {
        db.sql("SELECT id FROM checkouts WHERE account_id = :accountId AND id = :id FOR UPDATE")
            .param("accountId", accountId)
            .param("id", id)
            .query(String.class)
            .optional()
            .orElseThrow(() -> TillException.notFound("checkout", id));
        Checkout current = get(accountId, id);
        CheckoutChange change = asked.filledFrom(current);
        var errors = new FieldErrors();
        var input = new CheckoutInput(change.name() == null ? current.name() : change.name(), current.productId(),
            change.addons() == null
                ? null
                : change.addons().stream().map(a -> a == null ? null : a.input()).toList(),
            change.upsells() == null
                ? null
                : change.upsells().stream().map(u -> u == null ? null : u.input()).toList());
        List<CheckoutChange.AddonChange> addons = change.addons() == null ? List.of() : change.addons();
        List<CheckoutChange.UpsellChange> upsells = change.upsells() == null ? List.of() : change.upsells();
        checkOffersNamed(current, addons, upsells, errors);
        // Offers the update cannot name are refused alone: the rest of such an entry says nothing yet.
        errors.throwIfAny();
        check(accountId, input, errors);
        errors.throwIfAny();
        Instant now = Timestamps.now(clock);
        db.sql("""
            UPDATE checkouts
               SET name = :name,
                   archived_at = CASE WHEN CAST(:active AS boolean) IS NULL THEN archived_at
                                      WHEN :active THEN NULL
                                      ELSE coalesce(archived_at, :now) END
             WHERE account_id = :accountId AND id = :id
            """)
            .param("name", input.name().strip())
            .param("active", change.active())
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
        if (change.addons() != null) {
            offers.replaceAddons(accountId, id, addons, input.addons(), now);
        }
        if (change.upsells() != null) {
            offers.replaceUpsells(accountId, id, upsells, input.upsells(), now);
        }
        return get(accountId, id);
    }

    /**
     * Refuses an offer id that names none on sale at {@code current} (or names one twice), and an upsell kept with
     * another option than the one it was offered with.
     */
    private static void checkOffersNamed(Checkout current, List<CheckoutChange.AddonChange> addons,
        List<CheckoutChange.UpsellChange> upsells, FieldErrors errors) {
        var kept = new HashSet<String>();
        for (int i = 0; i < addons.size(); i++) {
            String offer = addons.get(i) == null ? null : addons.get(i).id();
            if (offer != null && current.addons().stream().noneMatch(a -> a.id().equals(offer))) {
                errors.add("addons[" + i + "].id", "not_found", "is not an offer bump on sale at this checkout "
                    + "(one taken away does not come back): leave out id to add a new one");
            } else if (offer != null && !kept.add(offer)) {
                errors.add("addons[" + i + "].id", "duplicate", "is listed twice");
            }
        }
        for (int i = 0; i < upsells.size(); i++) {
            var upsell = upsells.get(i);
            String offer = upsell == null ? null : upsell.id();
            var was = offer == null
                ? Optional.<Checkout.Upsell>empty()
                : current.upsells().stream().filter(u -> u.id().equals(offer)).findFirst();
            if (offer != null && was.isEmpty()) {
                errors.add("upsells[" + i + "].id", "not_found", "is not an upsell on sale at this checkout "
                    + "(one taken away does not come back): leave out id to add a new one");
            } else if (offer != null && !kept.add(offer)) {
                errors.add("upsells[" + i + "].id", "duplicate", "is listed twice");
            } else if (was.isPresent() && upsell.optionId() != null && !was.get().optionId().equals(upsell
                .optionId())) {
                errors.add("upsells[" + i + "].option_id", "not_changeable", "stays the option this upsell was "
                    + "offered with, as orders offered it answer what they were shown: leave out id to offer "
                    + "another option as a new upsell");
            }
        }
    }

    /** Adds every refusal of {@code input} to {@code errors}: the page shows them with its own, the API throws them. */
    void check(String accountId, CheckoutInput input, FieldErrors errors) {
        if (input.name() == null || input.name().isBlank()) {
            errors.add("name", "required", "is required");
        }
        errors.checkLength("name", input.name(), MAX_NAME);
        errors.checkOneLine("name", input.name());
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
            errors.checkOneLine("addons[" + i + "].name", addon.name());
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
                Gateways.checkPrice(errors, "addons[" + i + "].amount", addon.amount(), addon.currency());
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
            errors.checkOneLine("upsells[" + i + "].name", upsell.name());
            String field = "upsells[" + i + "].option_id";
            // Held: an option retired at this moment is either seen retired here, or its retirement sees this upsell.
            Optional<ProductOption> option = upsell.optionId() == null
                ? Optional.empty()
                : products.optionHeld(accountId, upsell.optionId());
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
        return db.sql("""
            SELECT id, name, product_id, archived_at IS NULL AS active, created_at FROM checkouts
             WHERE account_id = :accountId AND id = :id
            """)
            .param("accountId", accountId)
            .param("id", id)
            .query((rs, row) -> new Checkout(rs.getString("id"), rs.getString("name"), rs.getString("product_id"),
                rs.getBoolean("active"), addons, upsells, Timestamps.read(rs, "created_at")))
            .optional()
            .orElseThrow(() -> TillException.notFound("checkout", id));
    }

    /**
     * The account's checkouts, newest first; only those selling {@code productId} when it is given, and only those
     * that sell ({@code active} true) or the archived ones (false) when {@code active} is given.
     */
    Page<Checkout> list(String accountId, String productId, Boolean active, PageRequest page) {
        var ids = db.sql("""
            SELECT id FROM checkouts
             WHERE account_id = :accountId AND (CAST(:afterId AS text) IS NULL OR id < :afterId)
               AND (CAST(:productId AS text) IS NULL OR product_id = :productId)
               AND (CAST(:active AS boolean) IS NULL OR (archived_at IS NULL) = :active)
             ORDER BY id DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("productId", productId)
            .param("active", active)
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
             WHERE account_id = :accountId AND checkout_id = :checkoutId AND retired_at IS NULL
             ORDER BY position
            """)
            .param("accountId", accountId)
            .param("checkoutId", checkoutId)
            .query(ADDON)
            .list();
    }

    private List<Checkout.Upsell> upsells(String accountId, String checkoutId) {
        return db.sql("""
            SELECT id, name, option_id FROM checkout_upsells
             WHERE account_id = :accountId AND checkout_id = :checkoutId AND retired_at IS NULL
             ORDER BY position
            """)
            .param("accountId", accountId)
            .param("checkoutId", checkoutId)
            .query(UPSELL)
            .list();
    }
    /**
     * An offer bump of the checkout, on sale or retired since: what an order bought stays what it was, under the name
     * it has now.
     */
    Optional<Checkout.Addon> addonEver(String accountId, String checkoutId, String addonId) {
        return db.sql("""
            SELECT id, name, amount, currency FROM checkout_addons
             WHERE account_id = :accountId AND checkout_id = :checkoutId AND id = :id
            """)
            .param("accountId", accountId)
            .param("checkoutId", checkoutId)
            .param("id", addonId)
            .query(ADDON)
            .optional();
    }

    /** An upsell of the checkout, on sale or retired since: an order offered it may still answer it. */
    Optional<Checkout.Upsell> upsellEver(String accountId, String checkoutId, String upsellId) {
        return db.sql("""
            SELECT id, name, option_id FROM checkout_upsells
             WHERE account_id = :accountId AND checkout_id = :checkoutId AND id = :id
            """)
            .param("accountId", accountId)
            .param("checkoutId", checkoutId)
            .param("id", upsellId)
            .query(UPSELL)
            .optional();
    }
}
