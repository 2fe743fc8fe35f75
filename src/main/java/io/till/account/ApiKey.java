package io.till.account;

import io.till.shared.web.ShownOnce;
import java.time.Instant;

/** An API key as the API shows it: never the key itself, which exists only in the answer that created it. */
public record ApiKey(
    String id,
    String prefix,
    String name,
    Status status,
    Instant createdAt,
    Instant lastUsedAt,
    Instant revokedAt,
    @io.swagger.v3.oas.annotations.media.Schema(description = "staff, api_key, or till (at first start); null for "
        + "a key made before Till kept it", allowableValues = {
                "staff", "api_key", "till"}) String createdBy,
    @io.swagger.v3.oas.annotations.media.Schema(description = "The staff member's email, or the id of the key that "
        + "made it: revoking that key revokes this one too") String createdByWho) {

    public enum Status {
        ACTIVE,
        REVOKED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The answer to creating a key: the only time {@code key} is ever shown. */
    public record Created(String id, @ShownOnce String key, String prefix, String name, Instant createdAt) {}
}
