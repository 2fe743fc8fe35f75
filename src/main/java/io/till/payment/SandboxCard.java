package io.till.payment;

import java.util.Arrays;
import java.util.Optional;

/**
 * The sandbox's test cards, named like a payment processor's test-mode tokens: the token alone decides what happens.
 * Declining tokens are refused when saved; {@code pm_card_chargeCustomerFail} saves fine and then fails every charge.
 */
enum SandboxCard {
    VISA("pm_card_visa", "4242424242424242", "visa", "4242", null, null, false, "Every charge succeeds."),
    MASTERCARD("pm_card_mastercard", "5555555555554444", "mastercard", "4444", null, null, false,
        "Every charge succeeds."),
    AMEX("pm_card_amex", "371449635398431", "amex", "8431", null, null, false, "Every charge succeeds."),
    DECLINED("pm_card_chargeDeclined", "4000000000000002", "visa", "0002", "generic_decline",
        "Your card was declined.", false, "Declined when saved."),
    INSUFFICIENT_FUNDS("pm_card_chargeDeclinedInsufficientFunds", "4000000000009995", "visa", "9995",
        "insufficient_funds", "Your card has insufficient funds.", false, "Declined when saved: insufficient funds."),
    EXPIRED("pm_card_chargeDeclinedExpiredCard", "4000000000000069", "visa", "0069", "expired_card",
        "Your card has expired.", true, "Declined when saved: expired card."),
    CUSTOMER_FAIL("pm_card_chargeCustomerFail", "4000000000000341", "visa", "0341", null, null, false,
        "Saves fine, then every charge is declined.");

    private final String token;
    /** The processor's documented test card number with the same behaviour, for forms that ask for a number. */
    private final String number;
    private final String brand;
    private final String last4;
    private final String declineCode;
    private final String declineMessage;
    private final boolean hardDecline;
    private final String behaviour;

    SandboxCard(String token, String number, String brand, String last4, String declineCode, String declineMessage,
        boolean hardDecline, String behaviour) {
        this.token = token;
        this.number = number;
        this.behaviour = behaviour;
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

    String number() {
        return number;
    }

    String behaviour() {
        return behaviour;
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
