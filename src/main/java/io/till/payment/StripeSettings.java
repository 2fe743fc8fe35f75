package io.till.payment;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How Till reaches Stripe for live accounts; without a secret key, live accounts cannot take payments, and without the
 * publishable key ({@code TILL_STRIPE_PUBLISHABLE_KEY}) buyers cannot add cards in the portal.
 */
@ConfigurationProperties("till.stripe")
record StripeSettings(
    String secretKey,
    @DefaultValue("https://api.stripe.com") URI baseUrl,
    @DefaultValue("PT10S") Duration connectTimeout,
    @DefaultValue("PT30S") Duration requestTimeout,
    String publishableKey) {

    boolean configured() {
        return secretKey != null && !secretKey.isBlank();
    }

    /** Buyers can add cards in the portal only with Stripe.js, which needs the publishable key. */
    boolean cardSetupsConfigured() {
        return configured() && publishableKey != null && !publishableKey.isBlank();
    }
}
