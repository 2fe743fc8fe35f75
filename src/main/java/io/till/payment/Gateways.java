package io.till.payment;

import io.till.account.Accounts;
import io.till.account.Mode;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Picks the gateway of an account: the built-in sandbox for sandbox accounts, Stripe for live ones. */
@Component
@EnableConfigurationProperties(StripeSettings.class)
public class Gateways {

    private final Accounts accounts;
    private final SandboxGateway sandbox;
    private final StripeGateway stripe;
    private final boolean stripeCardSetups;

    Gateways(Accounts accounts, SandboxGateway sandbox, StripeSettings stripeSettings, JsonMapper json,
        java.time.Clock clock) {
        this.accounts = accounts;
        this.sandbox = sandbox;
        this.stripe = stripeSettings.configured() ? new StripeGateway(stripeSettings, json, clock) : null;
        this.stripeCardSetups = stripeSettings.cardSetupsConfigured();
    }

    /**
     * How a buyer of the account confirms a new card in the browser, where the account's gateway has such a way: live
     * accounts with Stripe and its publishable key. The sandbox takes test tokens instead.
     */
    public java.util.Optional<CardSetups> cardSetups(String accountId) {
        if (accounts.get(accountId).mode() == Mode.SANDBOX || !stripeCardSetups) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(stripe);
    }

    /**
     * Adds a {@code not_supported} error on {@code field} when a price (or a credit, or a discount, which leave prices)
     * of {@code amount} cannot be charged exactly, in any mode: the sandbox holds amounts to Stripe's rule (see
     * {@link StripeCurrencies}), so a catalog that works in the sandbox works live. Nothing for a missing, negative or
     * too large amount, which its own checks name.
     */
    public static void checkPrice(io.till.shared.FieldErrors errors, String field, Long amount, String currency) {
        if (amount != null && amount > 0 && amount <= io.till.shared.Amounts.MAX) {
            StripeCurrencies.refusal(amount, currency).ifPresent(reason -> errors.add(field, "not_supported", reason));
        }
    }

    /**
     * As {@link #checkPrice}, for a price charged as it is (a product option's): also no more than the gateway's
     * largest charge (Stripe's $999,999.99; the sandbox holds to it too), found when the price is set, not at a
     * buyer's first charge.
     */
    public static void checkChargedPrice(io.till.shared.FieldErrors errors, String field, Long amount,
        String currency) {
        checkPrice(errors, field, amount, currency);
        if (amount != null && amount > 0 && amount <= io.till.shared.Amounts.MAX) {
            StripeCurrencies.largestChargeRefusal(amount, currency)
                .ifPresent(reason -> errors.add(field, "not_supported", reason));
        }
    }

    /**
     * The smallest amount, in minor units, of which every price in {@code currency} is a multiple (10 for KWD, 1 for
     * most): see {@link #checkPrice}. 1 for a currency that is not one.
     */
    public static long priceStep(String currency) {
        return currency == null ? 1 : StripeCurrencies.step(currency);
    }

    /**
     * The smallest charge the gateway takes in {@code currency} (Stripe's $0.50; the sandbox holds to it too), 0 where
     * there is none: what credit leaves of an invoice for the card to pay is never less.
     */
    public static long smallestCharge(String currency) {
        return currency == null ? 0 : StripeCurrencies.smallestCharge(currency);
    }

    public PaymentGateway forAccount(String accountId) {
        if (accounts.get(accountId).mode() == Mode.SANDBOX) {
            return sandbox;
        }
        if (stripe == null) {
            throw new TillException(ErrorCode.GATEWAY_NOT_CONFIGURED,
                "Live accounts take payments through Stripe: set TILL_STRIPE_SECRET_KEY.");
        }
        return stripe;
    }
}
