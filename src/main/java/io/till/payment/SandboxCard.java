package io.till.payment;

import java.util.Arrays;
import java.util.Optional;

/**
 * The sandbox's test cards, named like a payment processor's test-mode tokens: the token alone decides what happens.
 * Declining tokens are refused when saved; {@code pm_card_chargeCustomerFail} saves fine and then fails every charge.
 */
enum SandboxCard {
    VISA("pm_card_visa", "visa", "4242", null, null, false),
    MASTERCARD("pm_card_mastercard", "mastercard", "4444", null, null, false),
    AMEX("pm_card_amex", "amex", "8431", null, null, false),
    DECLINED("pm_card_chargeDeclined", "visa", "0002", "generic_decline", "Your card was declined.", false),
    INSUFFICIENT_FUNDS("pm_card_chargeDeclinedInsufficientFunds", "visa", "9995", "insufficient_funds",
        "Your card has insufficient funds.", false),
    EXPIRED("pm_card_chargeDeclinedExpiredCard", "visa", "0069", "expired_card", "Your card has expired.", true),
    CUSTOMER_FAIL("pm_card_chargeCustomerFail", "visa", "0341", null, null, false);

    private final String token;
    private final String brand;
    private final String last4;
    private final String declineCode;
    private final String declineMessage;
    private final boolean hardDecline;

    SandboxCard(String token, String brand, String last4, String declineCode, String declineMessage,
        boolean hardDecline) {
        this.token = token;
        this.brand = brand;
        this.last4 = last4;
        this.declineCode = declineCode;
        this.declineMessage = declineMessage;
        this.hardDecline = hardDecline;
    }

    static Optional<SandboxCard> of(String token) {
        return Arrays.stream(values()).filter(card -> card.token.equals(token)).findFirst();
    }

    String token() {
        return token;
    }

    String brand() {
        return brand;
    }

    String last4() {
        return last4;
    }

    /** Refused when saved, like a card the issuer declines at verification. */
    boolean declinesOnAttach() {
        return declineCode != null;
    }

    /** Saves, then every charge fails: the card of a buyer whose bank stopped paying. */
    boolean failsEveryCharge() {
        return this == CUSTOMER_FAIL;
    }

    String declineCode() {
        return declineCode == null ? "card_declined" : declineCode;
    }

    String declineMessage() {
        return declineMessage == null ? "Your card was declined." : declineMessage;
    }

    boolean hardDecline() {
        return hardDecline;
    }
}
