package io.till.idempotency;

import io.till.shared.Ids;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code Idempotency-Key} mechanism for dashboard forms, which cannot send headers: a form that moves money
 * carries a one-time key, made when the form is rendered, in the hidden field {@value #FIELD}. Two submits of the same
 * form (a double click, a reload) then make one request, as two API calls with one key do; the second is answered
 * with the first's redirect.
 */
public final class IdempotentForms {

    /** The hidden field of a form that holds its key. */
    public static final String FIELD = "idempotency_key";

    private IdempotentForms() {}

    /** A fresh key for a form being rendered. */
    public static String newKey() {
        return "form_" + Ids.randomToken(26);
    }

    /** A dashboard form post that carries a key. */
    static boolean carriesKey(HttpServletRequest request) {
        return "POST".equals(request.getMethod()) && request.getRequestURI().startsWith("/admin/")
            && request.getParameter(FIELD) != null;
    }

    /**
     * What makes two submits "the same": their fields (the CSRF token aside, which is the session's, not the
     * request's), sorted, so that the order a browser sends them in does not matter.
     */
    static byte[] body(HttpServletRequest request) {
        var fields = new TreeMap<String, String>();
        for (Map.Entry<String, String[]> field : request.getParameterMap().entrySet()) {
            if (!field.getKey().equals("_csrf")) {
                fields.put(field.getKey(), String.join("\u0000", field.getValue()));
            }
        }
        return fields.toString().getBytes(StandardCharsets.UTF_8);
    }
}
