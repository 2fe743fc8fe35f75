package io.till.account;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the first start of Till creates: the account, its owner's login and its first API key. Ignored once an account
 * exists, except {@code mode}, which must then agree with the account's.
 */
@ConfigurationProperties("till.bootstrap")
record FirstStartSettings(
    String mode,
    @DefaultValue("My Store") String accountName,
    @DefaultValue("admin@example.com") String adminEmail,
    String adminPassword,
    String apiKey,
    String publicUrl) {

    boolean modeGiven() {
        return mode != null && !mode.isBlank();
    }

    boolean adminPasswordGiven() {
        return adminPassword != null && !adminPassword.isEmpty();
    }

    boolean apiKeyGiven() {
        return apiKey != null && !apiKey.isBlank();
    }
}
