package io.till.shared.web;

import io.till.shared.ErrorCode;
import io.till.shared.FieldErrors;
import io.till.shared.TillException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a query string that no handler could read safely, before anything reads it: a parameter that is not valid
 * percent-encoded UTF-8 (the servlet container would fail on it), or one holding the NUL character (which PostgreSQL
 * refuses in text), or a value without a name; and a path with a malformed percent-escape. Each bad parameter is named
 * in a 400 problem. A form (a dashboard or portal page) holding the NUL character is refused the same way, with a page
 * naming the field for a browser.
 */
@Component
@Order(RequestFilters.TEXT)
class RequestTextFilter extends OncePerRequestFilter {

    private final Problems problems;

    RequestTextFilter(Problems problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        if (!wellEscaped(request.getRequestURI())) {
            // Spring fails to decode such a path deep inside request matching; refuse it here, plainly.
            problems.write(response, ErrorCode.MALFORMED_REQUEST,
                "The request path holds a malformed percent-escape: % must be followed by two hex digits.");
            return;
        }
        String query = request.getQueryString();
        if (query != null) {
            try {
                check(query);
            } catch (TillException e) {
                problems.write(response, e);
                return;
            }
        }
        String formProblem = isForm(request) ? formProblem(request) : null;
        if (formProblem != null) {
            // Only a forged or broken client sends such a form (a browser's cannot): a plain page is enough.
            request.setAttribute(Problems.ERROR_DETAIL, formProblem);
            response.sendError(HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean isForm(HttpServletRequest request) {
        return !"GET".equals(request.getMethod()) && request.getContentType() != null
            && request.getContentType().toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    /** Why the form cannot be taken, said for the page; null when it can. */
    private static String formProblem(HttpServletRequest request) {
        Map<String, String[]> fields;
        try {
            fields = request.getParameterMap();
        } catch (RuntimeException unreadable) {
            // The container reads a form once: after this, a handler would see only the fields read before the
            // failure. Refused here, whole.
            return "The form could not be read (too many fields, or text that is not UTF-8). Nothing was saved.";
        }
        for (var field : fields.entrySet()) {
            boolean inValue = Arrays.stream(field.getValue()).anyMatch(value -> value.indexOf('\0') >= 0);
            if (inValue || field.getKey().indexOf('\0') >= 0) {
                return "The field " + readable(field.getKey()) + " holds the NUL character, which cannot be stored. "
                    + "Nothing was saved: remove it and send the form again.";
            }
        }
        return null;
    }

    /** Throws a validation failure naming every parameter that is not well-formed text. */
    static void check(String query) {
        var errors = new FieldErrors();
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if (equals == 0) {
                // "&=x" or "&=": the container refuses a value without a name (an empty pair "&&" is fine).
                errors.add("query", "missing_name", "holds a value without a parameter name");
                continue;
            }
            String rawName = equals < 0 ? pair : pair.substring(0, equals);
            String rawValue = equals < 0 ? "" : pair.substring(equals + 1);
            String name = decode(rawName);
            String value = decode(rawValue);
            String field = name == null ? readable(rawName) : name;
            if (name == null || value == null) {
                errors.add(field, "invalid_encoding", "is not valid percent-encoded UTF-8");
            } else if (name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                errors.add(field, "invalid_character", "must not contain the NUL character (%00)");
            }
        }
        errors.throwIfAny();
    }

    private static boolean wellEscaped(String path) {
        for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
            if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0
                || Character.digit(path.charAt(i + 2), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The text a query component stands for, or null when it is not well-formed percent-encoded UTF-8. */
    private static String decode(String component) {
        var bytes = new ByteArrayOutputStream(component.length());
        for (int i = 0; i < component.length(); i++) {
            char c = component.charAt(i);
            if (c == '%') {
                if (i + 2 >= component.length()) {
                    return null;
                }
                int high = Character.digit(component.charAt(i + 1), 16);
                int low = Character.digit(component.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return null;
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                // The container hands over raw non-ASCII bytes as ISO-8859-1 characters.
                bytes.write(c & 0xff);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes.toByteArray()))
                .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A name that cannot be decoded, shown as sent (printable ASCII only, and short). */
    private static String readable(String raw) {
        String shown = raw.replaceAll("[^\\x21-\\x7e]", "?");
        return shown.length() > 100 ? shown.substring(0, 100) + "…" : shown;
    }
}
