package io.till.portal;

import io.till.shared.ErrorCode;
import io.till.shared.SecretBox;
import io.till.shared.TillException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * What a subscription or plan owed when the buyer chose a card for it, signed for that buyer and choice: the cards
 * page's address carries it to the outcome ("Paid $19.00 with …"), and an address the portal did not sign shows no
 * outcome, so nobody can make the page claim a payment that was not made.
 */
@Component
class OwedBeforeChoice {

    private final SecretKeySpec owedKey;

    OwedBeforeChoice(SecretBox secrets) {
        this.owedKey = secrets.derivedKey("portal card outcome");
    }

    /**
     * What was owed ({@code amount}) when the card was chosen ({@code at}): only a payment made since then is one the
     * page may say the choice paid.
     */
    record Owed(long amount, Instant at) {

        static final Owed NOTHING = new Owed(0, Instant.EPOCH);
    }

    /** {@code owed} and its signature for this buyer and choice: {@code 1900.<epoch second>.<hex>}. */
    String sign(PortalBuyer buyer, String chosen, Owed owed) {
        long at = owed.at().getEpochSecond();
        return owed.amount() + "." + at + "." + mac(buyer, chosen, owed.amount(), at);
    }

    /**
     * What the subscription or plan owed when this buyer chose a card for it, and when, as the address says it,
     * signed; empty when the address carries no choice, or one the portal did not sign (this buyer made no such
     * choice).
     */
    Optional<Owed> read(PortalBuyer buyer, String chosen, String was) {
        if (chosen == null || was == null || !was.matches("[0-9]{1,15}\\.[0-9]{1,12}\\.[0-9a-f]{64}")) {
            return Optional.empty();
        }
        String[] parts = was.split("\\.");
        long owed = Long.parseLong(parts[0]);
        long at = Long.parseLong(parts[1]);
        byte[] expected = mac(buyer, chosen, owed, at).getBytes(StandardCharsets.US_ASCII);
        byte[] given = parts[2].getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given)
            ? Optional.of(new Owed(owed, Instant.ofEpochSecond(at)))
            : Optional.empty();
    }

    /** An outcome asked for with an address the portal did not make. */
    static TillException notOurs() {
        return new TillException(ErrorCode.VALIDATION_FAILED, "This address is not one we made. Go to your cards to "
            + "see where each payment stands.");
    }

    private String mac(PortalBuyer buyer, String chosen, long owed, long at) {
        return SecretBox.signature(owedKey, buyer.accountId() + "/" + buyer.customerId() + "/" + chosen + "/" + owed
            + "/" + at);
    }
}
