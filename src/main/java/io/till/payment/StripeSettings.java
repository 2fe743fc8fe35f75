package io.till.payment;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** How Till reaches Stripe for live accounts; without a secret key, live accounts cannot take payments. */
@ConfigurationProperties("till.stripe")
record StripeSettings(
    String secretKey,
    @DefaultValue("https://api.stripe.com") URI baseUrl,
    @DefaultValue("PT10S") Duration connectTimeout,
    @DefaultValue("PT30S") Duration requestTimeout) {

    boolean configured() {
        return secretKey != null && !secretKey.isBlank();
    }
}
