package io.till.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What makes two requests "the same" for an idempotency key: method, path and body. A JSON body is compared by
 * meaning, so that whitespace or the order of fields (which differ between a client's retries in some libraries) do
 * not turn a retry into a mismatch.
 */
final class RequestFingerprint {

    private static final JsonMapper CANONICAL = JsonMapper.builder()
        .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
        // Two bodies that differ in the twentieth decimal are two requests (a double would make them one).
        .enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .build();

    private RequestFingerprint() {}

    static byte[] of(String method, String pathAndQuery, byte[] body) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update((method + " " + pathAndQuery + "\n").getBytes(StandardCharsets.UTF_8));
            digest.update(canonical(body));
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] canonical(byte[] body) {
        if (body.length == 0) {
            return body;
        }
        try {
            JsonNode tree = CANONICAL.readTree(body);
            return CANONICAL.writeValueAsBytes(tree);
        } catch (JacksonException notJson) {
            return body;
        }
    }
}
