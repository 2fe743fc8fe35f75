package io.till.portal;

import io.till.shared.Ids;
import io.till.shared.RealTime;
import io.till.shared.SecretBox;
import io.till.shared.Timestamps;
import io.till.shared.web.PublicAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code {{portal.card_update_url}}}: a link for emails that opens one customer's card page, once, without an email
 * round trip, for the account's card link validity (7 days by default). It is signed rather than stored, so that
 * rendering an email (or an automation's dry run) writes nothing; using it writes the row that makes it single-use.
 * Token: {@code <customer id>-<expiry, epoch seconds>-<nonce>-<HMAC-SHA256 hex>}, signed over the account and the
 * customer's email too: a link sent to an address the customer no longer has (staff changed it) opens nothing.
 */
@Component
public class CardLinks {

    private final JdbcClient db;
    private final Clock clock;
    private final PortalSettingsStore settings;
    private final PublicAddress publicAddress;
    private final SecretKeySpec key;

    CardLinks(JdbcClient db, @RealTime Clock clock, PortalSettingsStore settings, PublicAddress publicAddress,
        SecretBox secrets) {
        this.db = db;
        this.clock = clock;
        this.settings = settings;
        this.publicAddress = publicAddress;
        this.key = secrets.derivedKey("portal card links");
    }

    /** A fresh link for the customer's card page. */
    public String url(String accountId, String customerId) {
        Instant expires = Timestamps.now(clock).plus(settings.get(accountId).cardLinkValidity());
        String unsigned = customerId + "-" + expires.getEpochSecond() + "-" + Ids.randomToken(26);
        String email = email(accountId, customerId).orElse("");
        return publicAddress.baseUrl() + "/portal/" + accountId + "/card_link/" + unsigned + "-"
            + sign(accountId, unsigned, email);
    }

    /** The customer the link is for, if it is genuine, for this account, unexpired and unused: without using it. */
    Optional<String> check(String accountId, String token) {
        return verify(accountId, token).filter(link -> !used(link.nonce())).map(Link::customerId);
    }

    /** Uses the link up and answers its customer; empty when it is not genuine, expired or already used. */
    Optional<String> consume(String accountId, String token) {
        return verify(accountId, token).filter(link -> db.sql("""
            INSERT INTO portal_card_link_uses (nonce, account_id, customer_id, used_at)
            SELECT :nonce, :accountId, :customerId, :now
             WHERE EXISTS (SELECT 1 FROM customers
                            WHERE account_id = :accountId AND id = :customerId AND redacted_at IS NULL)
            ON CONFLICT (nonce) DO NOTHING
            """)
            .param("nonce", link.nonce())
            .param("accountId", accountId)
            .param("customerId", link.customerId())
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update() == 1).map(Link::customerId);
    }

    private record Link(String customerId, String nonce) {}

    private Optional<Link> verify(String accountId, String token) {
        if (token == null || token.length() > 200) {
            return Optional.empty();
        }
        String[] parts = token.split("-");
        if (parts.length != 4 || !parts[1].matches("[0-9]{1,12}") || !isNonce(parts[2])) {
            return Optional.empty();
        }
        String unsigned = parts[0] + "-" + parts[1] + "-" + parts[2];
        boolean current = Instant.ofEpochSecond(Long.parseLong(parts[1])).isAfter(Timestamps.now(clock));
        var email = email(accountId, parts[0]);
        boolean genuine = email.isPresent() && MessageDigest.isEqual(sign(accountId, unsigned, email.get())
            .getBytes(StandardCharsets.US_ASCII), parts[3].getBytes(StandardCharsets.US_ASCII));
        return genuine && current ? Optional.of(new Link(parts[0], parts[2])) : Optional.empty();
    }

    private boolean used(String nonce) {
        return db.sql("SELECT count(*) FROM portal_card_link_uses WHERE nonce = :nonce")
            .param("nonce", nonce)
            .query(Long.class)
            .single() > 0;
    }

    private String sign(String accountId, String unsigned, String email) {
        return SecretBox.signature(key, accountId + "/" + unsigned + "/" + email);
    }

    /** The customer's email as the link is signed over it (lower case); empty for no such customer of the account. */
    private Optional<String> email(String accountId, String customerId) {
        return db.sql("SELECT lower(email) FROM customers WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", customerId)
            .query(String.class)
            .optional();
    }

    /** The nonce's shape: 26 of {@link Ids}' base32 characters. */
    private static boolean isNonce(String candidate) {
        return candidate.length() == 26
            && candidate.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'));
    }
}
