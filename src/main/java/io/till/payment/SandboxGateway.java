package io.till.payment;

import io.till.shared.FieldErrors;
import io.till.shared.Ids;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Till's built-in payment processor for sandbox accounts. The test token decides every outcome, and each charge is
 * written to a ledger ({@code sandbox_charges}) that stands for the processor's own books: it commits on its own, like a
 * remote call would, and refuses a second charge with the same idempotency key, answering the first one's result.
 */
@Component
class SandboxGateway implements PaymentGateway {

    private static final Pattern REFERENCE = Pattern.compile("sbx_(pm_card_[A-Za-z]+)_(\\d{2})(\\d{4})_[0-9a-z]{16}");

    private final JdbcClient db;
    private final TransactionTemplate ownTransaction;
    private final Clock clock;

    SandboxGateway(JdbcClient db, PlatformTransactionManager transactions, Clock clock) {
        this.db = db;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
    }

    @Override
    public String name() {
        return "sandbox";
    }

    @Override
    public AttachedCard attach(CardToken token) {
        var errors = new FieldErrors();
        Optional<SandboxCard> card = SandboxCard.of(token.token());
        if (card.isEmpty()) {
            errors.add("token", "unknown_token", "is not a sandbox test token; use one of " + Arrays
                .stream(SandboxCard.values())
                .map(SandboxCard::token)
                .collect(Collectors.joining(", ")));
        }
        YearMonth today = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
        int expMonth = token.expMonth() == null ? 12 : token.expMonth();
        int expYear = token.expYear() == null ? today.getYear() + 5 : token.expYear();
        if (expMonth < 1 || expMonth > 12) {
            errors.add("exp_month", "out_of_range", "must be between 1 and 12");
        }
        if (expYear < 2000 || expYear > 2100) {
            errors.add("exp_year", "out_of_range", "must be a four-digit year between 2000 and 2100");
        }
        errors.throwIfAny();
        if (card.get().declinesOnAttach()) {
            throw new CardDeclinedException("token", card.get().declineCode(), card.get().declineMessage());
        }
        String reference = "sbx_%s_%02d%04d_%s".formatted(card.get().token(), expMonth, expYear, Ids.randomToken(16));
        return new AttachedCard(card.get().brand(), card.get().last4(), expMonth, expYear, reference);
    }

    /** Stripe's rule, so that a price it would refuse is found while testing: see {@link StripeCurrencies}. */
    @Override
    public java.util.Optional<String> refusal(long amount, String currency) {
        return StripeCurrencies.refusal(amount, currency);
    }

    @Override
    public Optional<String> chargeRefusal(long amount, String currency) {
        return StripeCurrencies.chargeRefusal(amount, currency);
    }

    @Override
    public ChargeResult charge(ChargeRequest request) {
        request.requireSendable(Timestamps.now(clock));
        var matcher = REFERENCE.matcher(request.cardReference());
        if (!matcher.matches() || SandboxCard.of(matcher.group(1)).isEmpty()) {
            throw new IllegalArgumentException("not a sandbox card: " + request.cardReference());
        }
        SandboxCard card = SandboxCard.of(matcher.group(1)).orElseThrow();
        var expiry = YearMonth.of(Integer.parseInt(matcher.group(3)), Integer.parseInt(matcher.group(2)));
        ChargeResult outcome = decide(card, expiry, Ids.newId("ch"));
        return ownTransaction.execute(status -> record(request, outcome));
    }

    @Override
    public java.util.Optional<String> findRefund(String accountId, String idempotencyKey, String chargeReference) {
        return db.sql("""
            SELECT id FROM sandbox_refunds
             WHERE account_id = :accountId AND idempotency_key = :key AND charge_id = :chargeId
            """)
            .param("accountId", accountId)
            .param("key", idempotencyKey)
            .param("chargeId", chargeReference)
            .query(String.class)
            .optional();
    }

    @Override
    public String refund(RefundRequest request) {
        request.requireSendable(Timestamps.now(clock));
        return ownTransaction.execute(status -> {
            var charged = db.sql("""
                SELECT amount FROM sandbox_charges
                 WHERE account_id = :accountId AND id = :id AND outcome = 'succeeded'
                 FOR UPDATE
                """)
                .param("accountId", request.accountId())
                .param("id", request.chargeReference())
                .query(Long.class)
                .optional()
                .orElseThrow(() -> new IllegalArgumentException("no successful sandbox charge "
                    + request.chargeReference()));
            var earlier = db.sql("""
                SELECT id FROM sandbox_refunds WHERE account_id = :accountId AND idempotency_key = :key
                """)
                .param("accountId", request.accountId())
                .param("key", request.idempotencyKey())
                .query(String.class)
                .optional();
            if (earlier.isPresent()) {
                return earlier.get();
            }
            long refunded = db.sql("""
                SELECT coalesce(sum(amount), 0) FROM sandbox_refunds WHERE account_id = :accountId AND charge_id = :id
                """)
                .param("accountId", request.accountId())
                .param("id", request.chargeReference())
                .query(Long.class)
                .single();
            if (refunded + request.amount() > charged) {
                // A processor refuses to give back more than it took; Till checks first, so this is a bug.
                throw new IllegalStateException("refund exceeds charge " + request.chargeReference());
            }
            String id = Ids.newId("re");
            db.sql("""
                INSERT INTO sandbox_refunds (id, account_id, idempotency_key, charge_id, amount, created_at)
                VALUES (:id, :accountId, :key, :chargeId, :amount, :now)
                """)
                .param("id", id)
                .param("accountId", request.accountId())
                .param("key", request.idempotencyKey())
                .param("chargeId", request.chargeReference())
                .param("amount", request.amount())
                .param("now", Timestamps.of(Timestamps.now(clock)))
                .update();
            return id;
        });
    }

    private ChargeResult decide(SandboxCard card, YearMonth expiry, String reference) {
        if (expiry.isBefore(YearMonth.from(clock.instant().atZone(ZoneOffset.UTC)))) {
            return new ChargeResult.Declined(reference, "expired_card", "Your card has expired.", true);
        }
        if (card.failsEveryCharge() || card.declinesOnAttach()) {
            return new ChargeResult.Declined(reference, card.declineCode(), card.declineMessage(), card.hardDecline());
        }
        return new ChargeResult.Succeeded(reference);
    }

    private ChargeResult record(ChargeRequest request, ChargeResult outcome) {
        boolean first = db.sql("""
            INSERT INTO sandbox_charges (id, account_id, idempotency_key, card_reference, amount, currency, description,
                                         outcome, decline_code, decline_message, hard_decline, created_at)
            VALUES (:id, :accountId, :key, :card, :amount, :currency, :description, :outcome, :declineCode,
                    :declineMessage, :hard, :createdAt)
            ON CONFLICT (account_id, idempotency_key) DO NOTHING
            """)
            .param("id", outcome.reference())
            .param("accountId", request.accountId())
            .param("key", request.idempotencyKey())
            .param("card", request.cardReference())
            .param("amount", request.amount())
            .param("currency", request.currency())
            .param("description", request.description())
            .param("outcome", outcome instanceof ChargeResult.Succeeded ? "succeeded" : "declined")
            .param("declineCode", outcome instanceof ChargeResult.Declined declined ? declined.code() : null)
            .param("declineMessage", outcome instanceof ChargeResult.Declined declined ? declined.message() : null)
            .param("hard", outcome instanceof ChargeResult.Declined declined && declined.hard())
            .param("createdAt", Timestamps.of(Timestamps.now(clock)))
            .update() == 1;
        return first ? outcome : earlier(request);
    }

    @Override
    public Optional<ChargeResult> findCharge(String accountId, String idempotencyKey) {
        return db.sql("""
            SELECT id, outcome, decline_code, decline_message, hard_decline FROM sandbox_charges
             WHERE account_id = :accountId AND idempotency_key = :key
            """)
            .param("accountId", accountId)
            .param("key", idempotencyKey)
            .query((rs, row) -> rs.getString("outcome").equals("succeeded")
                ? (ChargeResult) new ChargeResult.Succeeded(rs.getString("id"))
                : new ChargeResult.Declined(rs.getString("id"), rs.getString("decline_code"),
                    rs.getString("decline_message"), rs.getBoolean("hard_decline")))
            .optional();
    }

    /** The answer to a repeated idempotency key: the first charge's result, provided it was the same charge. */
    private ChargeResult earlier(ChargeRequest request) {
        record Stored(String id, String card, long amount, String currency, String outcome, String declineCode,
            String declineMessage, boolean hard) {}
        var stored = db.sql("""
            SELECT id, card_reference, amount, currency, outcome, decline_code, decline_message, hard_decline
              FROM sandbox_charges
             WHERE account_id = :accountId AND idempotency_key = :key
            """)
            .param("accountId", request.accountId())
            .param("key", request.idempotencyKey())
            .query((rs, row) -> new Stored(rs.getString("id"), rs.getString("card_reference"), rs.getLong("amount"),
                rs.getString("currency"), rs.getString("outcome"), rs.getString("decline_code"),
                rs.getString("decline_message"), rs.getBoolean("hard_decline")))
            .single();
        if (!stored.card().equals(request.cardReference()) || stored.amount() != request.amount()
            || !Objects.equals(stored.currency(), request.currency())) {
            // Like a processor's idempotency error: a key names one charge, never two different ones.
            throw new KeyUsedForAnotherCharge(request.idempotencyKey());
        }
        return stored.outcome().equals("succeeded")
            ? new ChargeResult.Succeeded(stored.id())
            : new ChargeResult.Declined(stored.id(), stored.declineCode(), stored.declineMessage(), stored.hard());
    }
}
