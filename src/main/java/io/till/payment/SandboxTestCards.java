package io.till.payment;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The sandbox's test cards as a buyer-facing form shows them: each with the documented test card number that stands
 * for its token. A number typed into such a form is only ever turned into its token here; it is never stored.
 */
public final class SandboxTestCards {

    /** @param behaviour what happens when the card is saved and charged, as a sentence */
    public record TestCard(String number, String token, String brand, String last4, String behaviour) {}

    private SandboxTestCards() {}

    public static List<TestCard> all() {
        return Arrays.stream(SandboxCard.values())
            .map(card -> new TestCard(card.number(), card.token(), card.brand(), card.last4(), card.behaviour()))
            .toList();
    }

    /** The token of the test card with this number, spaces and dashes aside; empty for any other number. */
    public static Optional<String> tokenFor(String number) {
        String digits = number == null ? "" : number.replaceAll("[\\s-]", "");
        return Arrays.stream(SandboxCard.values())
            .filter(card -> card.number().equals(digits))
            .map(SandboxCard::token)
            .findFirst();
    }
}
