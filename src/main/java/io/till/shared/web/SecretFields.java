package io.till.shared.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;

/**
 * Marks fields of a response that hold a secret shown only once (a new API key, say), so that nothing that keeps
 * responses (the Idempotency-Key store) keeps them: a replay answers them as null.
 */
public final class SecretFields {

    private static final String ATTRIBUTE = SecretFields.class.getName();

    private SecretFields() {}

    public static void mark(HttpServletRequest request, String... fields) {
        request.setAttribute(ATTRIBUTE, List.of(fields));
    }

    @SuppressWarnings("unchecked")
    public static List<String> of(HttpServletRequest request) {
        Object fields = request.getAttribute(ATTRIBUTE);
        return fields instanceof List<?> list ? (List<String>) list : List.of();
    }
}
