package io.till.catalog;

import io.swagger.v3.oas.annotations.media.Schema;
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
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/** Promo codes, and their redemption, which counts against the usage limit inside the purchase's transaction. */
@Repository
public class PromoCodes {

    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{2,40}");
    private static final RowMapper<PromoCode> PROMO = (rs, row) -> new PromoCode(rs.getString("id"),
        rs.getString("code"), rs.getObject("percent_off", Integer.class), rs.getObject("amount_off", Long.class),
        rs.getString("currency"), Timestamps.read(rs, "expires_at"), rs.getObject("max_redemptions", Integer.class),
        rs.getInt("times_redeemed"), Timestamps.read(rs, "created_at"));

    private final JdbcClient db;
    private final RequestEffects effects;
    private final Clock clock;

    PromoCodes(JdbcClient db, Clock clock, RequestEffects effects) {
        this.effects = effects;
        this.db = db;
        this.clock = clock;
    }

    /** percent_off or amount_off (with its currency): one of the two. */
    record PromoCodeInput(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String code,
        @Schema(description = "1 to 100; the discount is rounded half up to the nearest minor unit (15% of 999 is "
            + "150), as Stripe rounds percent_off") Integer percentOff,
        Long amountOff, String currency, Instant expiresAt,
        Integer maxRedemptions) {}

    @Transactional
    PromoCode create(String accountId, PromoCodeInput input) {
        var earlier = effects.recordedBefore("promo_code");
        if (earlier.isPresent()) {
            // Created by an earlier attempt of this keyed request, which never got to answer (a crash, a 5xx).
            return find(accountId, earlier.get()).orElseThrow();
        }
        var errors = new FieldErrors();
        check(accountId, input, errors);
        errors.throwIfAny();
        String id = Ids.newId("promo");
        // Two requests for the same new code both pass the check above; the unique index decides, and the loser is
        // told the code is taken rather than meeting a constraint error.
        int inserted = db.sql("""
            INSERT INTO promo_codes (id, account_id, code, percent_off, amount_off, currency, expires_at,
                                     max_redemptions, created_at)
            VALUES (:id, :accountId, :code, :percentOff, :amountOff, :currency, :expiresAt, :maxRedemptions, :now)
            ON CONFLICT DO NOTHING
            """)
            .param("id", id)
            .param("accountId", accountId)
            .param("code", input.code())
            .param("percentOff", input.percentOff())
            .param("amountOff", input.amountOff())
            .param("currency", input.currency() == null ? null : input.currency().toLowerCase(Locale.ROOT))
            .param("expiresAt", Timestamps.of(input.expiresAt()))
            .param("maxRedemptions", input.maxRedemptions())
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update();
        if (inserted == 0) {
            throw TillException.invalid("code", "taken", "another promo code has this code");
        }
        effects.recorded("promo_code", id);
        return findByCode(accountId, input.code()).orElseThrow();
    }

    /** The latest end a promo code may have. */
    private static final java.time.Instant LAST_MOMENT = java.time.Instant.parse("9999-12-31T23:59:59Z");

    /** Adds every refusal of {@code input} to {@code errors}: the page shows them with its own, the API throws them. */
    void check(String accountId, PromoCodeInput input, FieldErrors errors) {
        if (input.code() == null || !CODE.matcher(input.code()).matches()) {
            errors.add("code", "invalid_format", "must be 2 to 40 letters, digits, dashes or underscores");
        } else if (findByCode(accountId, input.code()).isPresent()) {
            errors.add("code", "taken", "another promo code has this code");
        }
        checkEnd(input.expiresAt(), errors);
        if (input.percentOff() == null && input.amountOff() == null) {
            errors.add("percent_off", "required", "give either percent_off or amount_off");
        } else if (input.percentOff() != null && input.amountOff() != null) {
            errors.add("percent_off", "not_allowed", "give either percent_off or amount_off, not both");
        }
        if (input.percentOff() != null && (input.percentOff() < 1 || input.percentOff() > 100)) {
            errors.add("percent_off", "out_of_range", "must be between 1 and 100");
        }
        if (input.amountOff() != null && input.amountOff() < 1) {
            errors.add("amount_off", "out_of_range", "must be positive, in minor units");
        }
        Amounts.checkAtMostMax(errors, "amount_off", input.amountOff());
        if (input.amountOff() != null && !Amounts.isCurrency(input.currency())) {
            errors.add("currency", "required", "amount_off needs a three-letter ISO currency code such as usd");
        } else {
            // What it takes off a price the gateway takes leaves one it does not.
            Gateways.checkPrice(errors, "amount_off", input.amountOff(), input.currency());
        }
        if (input.amountOff() == null && input.currency() != null) {
            // A percentage is off any currency's price; a currency beside it would read as a restriction it is not.
            errors.add("currency", "not_allowed", "give a currency only with amount_off");
        }
        if (input.maxRedemptions() != null && input.maxRedemptions() < 1) {
            errors.add("max_redemptions", "out_of_range", "must be at least 1");
        }
    }

    private void checkEnd(Instant expiresAt, FieldErrors errors) {
        if (expiresAt != null && !expiresAt.isAfter(Timestamps.now(clock))) {
            errors.add("expires_at", "out_of_range", "must be in the future: a code that has ended already could "
                + "never be used");
        } else if (expiresAt != null && expiresAt.isAfter(LAST_MOMENT)) {
            // A far end (2999) is a seller's "never"; past the four-digit years it is no date anyone means.
            errors.add("expires_at", "out_of_range", "must be before the year 10000");
        }
    }

    /**
     * Moves a code's end (later, to keep a promotion going; or sooner) or its usage limit, as sent. A code that had
     * ended or been used up works again once its new end or limit allows. A limit below the uses the code has had is
     * refused, decided in the update itself so that a purchase redeeming it meanwhile cannot slip past the limit.
     */
    PromoCode change(String accountId, String id, JsonNode body) {
        var current = find(accountId, id).orElseThrow(() -> TillException.notFound("promo code", id));
        var errors = new FieldErrors();
        var change = PromoCodeChange.of(body, errors);
        checkEnd(change.expiresAt(), errors);
        if (change.maxRedemptions() != null && change.maxRedemptions() < 1) {
            errors.add("max_redemptions", "out_of_range", "must be at least 1, or null for no limit");
        }
        errors.throwIfAny();
        // The row as this change left it (RETURNING), not as read again after another change came in.
        return db.sql("""
            UPDATE promo_codes
               SET expires_at = CASE WHEN :endSent THEN :expiresAt ELSE expires_at END,
                   max_redemptions = CASE WHEN :limitSent THEN :max ELSE max_redemptions END
             WHERE account_id = :accountId AND id = :id
               AND (NOT :limitSent OR CAST(:max AS integer) IS NULL OR times_redeemed <= :max)
            RETURNING *
            """)
            .param("endSent", change.endSent())
            .param("expiresAt", Timestamps.of(change.expiresAt()))
            .param("limitSent", change.limitSent())
            .param("max", change.maxRedemptions())
            .param("accountId", accountId)
            .param("id", id)
            .query(PROMO)
            .optional()
            .orElseThrow(() -> {
                int used = find(accountId, id).map(PromoCode::timesRedeemed).orElse(current.timesRedeemed());
                return TillException.invalid("max_redemptions", "out_of_range", "must be at least " + used
                    + ", the times the code has been used");
            });
    }

    /**
     * Ends a promo code now: buyers can no longer use it, and what it already took off stays. A code that has already
     * ended keeps the moment it ended.
     */
    PromoCode expire(String accountId, String id) {
        var now = Timestamps.of(Timestamps.now(clock));
        db.sql("""
            UPDATE promo_codes SET expires_at = :now
             WHERE account_id = :accountId AND id = :id AND (expires_at IS NULL OR expires_at > :now)
            """)
            .param("now", now)
            .param("accountId", accountId)
            .param("id", id)
            .update();
        return find(accountId, id).orElseThrow(() -> TillException.notFound("promo code", id));
    }

    public Optional<PromoCode> find(String accountId, String id) {
        return db.sql("SELECT * FROM promo_codes WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(PROMO)
            .optional();
    }

    public Optional<PromoCode> findByCode(String accountId, String code) {
        return db.sql("SELECT * FROM promo_codes WHERE account_id = :accountId AND lower(code) = lower(:code)")
            .param("accountId", accountId)
            .param("code", code)
            .query(PROMO)
            .optional();
    }

    /** The last moment an ended code could be used, as its refusal says it. */
    private static final java.time.format.DateTimeFormatter USABLE_UNTIL = java.time.format.DateTimeFormatter
        .ofPattern("MMM d, uuuu, HH:mm 'UTC'", java.util.Locale.US)
        .withZone(java.time.ZoneOffset.UTC);

    /**
     * Whether the code can be used now for a purchase in {@code currency}; the reason why not, otherwise. The
     * redemption itself is {@link #redeem}, in the purchase's transaction.
     */
    public Optional<Refusal> refusal(PromoCode promo, String currency) {
        if (promo.expiresAt() != null && !Timestamps.now(clock).isBefore(promo.expiresAt())) {
            // Said as the last moment it worked, not as the instant it ended (2027-02-01T00:00:00Z read as a day
            // after the "valid until Jan 31" the seller set).
            return Optional.of(new Refusal("not_applicable", "has expired: it could be used until "
                + USABLE_UNTIL.format(promo.expiresAt().minusMillis(1))));
        }
        if (promo.maxRedemptions() != null && promo.timesRedeemed() >= promo.maxRedemptions()) {
            // The code a purchase that lost the race for the last use gets too (redeem): one limit, one code.
            return Optional.of(new Refusal(USED_UP, USED_UP_MESSAGE));
        }
        if (promo.currency() != null && !promo.currency().equals(currency)) {
            return Optional.of(new Refusal("not_applicable", "is for " + promo.currency() + " purchases"));
        }
        return Optional.empty();
    }

    /** Why a code does not apply: a field error's code and message. */
    public record Refusal(String code, String message) {}

    private static final String USED_UP = "used_up";
    private static final String USED_UP_MESSAGE = "has been used up";

    /**
     * Counts one use, refusing it if the limit was reached, or the code ended (staff pressed "End now", or its end
     * came), since the purchase checked it: the purchase asked its gateway for the card in between.
     */
    public void redeem(String accountId, PromoCode promo) {
        int updated = db.sql("""
            UPDATE promo_codes SET times_redeemed = times_redeemed + 1
             WHERE account_id = :accountId AND id = :id
               AND (max_redemptions IS NULL OR times_redeemed < max_redemptions)
               AND (expires_at IS NULL OR expires_at > :now)
            """)
            .param("accountId", accountId)
            .param("id", promo.id())
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update();
        if (updated == 0) {
            var refusal = find(accountId, promo.id()).flatMap(current -> refusal(current, current.currency()))
                .orElse(new Refusal(USED_UP, USED_UP_MESSAGE));
            throw TillException.invalid("promo_code", refusal.code(), refusal.message());
        }
    }

    /**
     * Counts again the use a failed purchase gave back, now that its charge turned out to have been made after all. The
     * buyer paid the discounted price whatever the count: a code another buyer took to its limit meanwhile stays at its
     * limit (used once more than it allows), rather than the payment going unrecorded.
     */
    public void redeemAgain(String accountId, PromoCode promo) {
        db.sql("""
            UPDATE promo_codes SET times_redeemed = times_redeemed + 1
             WHERE account_id = :accountId AND id = :id
               AND (max_redemptions IS NULL OR times_redeemed < max_redemptions)
            """)
            .param("accountId", accountId)
            .param("id", promo.id())
            .update();
    }

    /**
     * Holds the code's row until the transaction ends, as counting a use does: taken before the customer by whatever
     * then gives a use back or counts it again, as a purchase takes the code before the customer, so that the two
     * never wait for each other in a circle.
     */
    public void hold(String accountId, PromoCode promo) {
        db.sql("SELECT id FROM promo_codes WHERE account_id = :accountId AND id = :id FOR NO KEY UPDATE")
            .param("accountId", accountId)
            .param("id", promo.id())
            .query(String.class)
            .optional();
    }

    /** Gives back a use reserved for a purchase whose payment then failed. */
    public void release(String accountId, PromoCode promo) {
        db.sql("""
            UPDATE promo_codes SET times_redeemed = times_redeemed - 1
             WHERE account_id = :accountId AND id = :id AND times_redeemed > 0
            """)
            .param("accountId", accountId)
            .param("id", promo.id())
            .update();
    }

    Page<PromoCode> list(String accountId, PageRequest page) {
        return page.page(db.sql("""
            SELECT * FROM promo_codes
             WHERE account_id = :accountId AND (CAST(:afterId AS text) IS NULL OR id < :afterId)
             ORDER BY id DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("afterId", page.afterId())
            .param("limit", page.fetchSize())
            .query(PROMO)
            .list(), PromoCode::id);
    }

}
