package io.till.shared.web;

import tools.jackson.core.JacksonException;

/** Names of request fields as the client wrote them in JSON (snake_case), for error messages. */
final class JsonNames {

    private JsonNames() {}

    static String snakeCase(String javaPath) {
        var out = new StringBuilder(javaPath.length() + 8);
        for (char c : javaPath.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The path of the offending value in the body, e.g. {@code items[2].amount}. */
    static String path(JacksonException e) {
        var out = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                out.append('[').append(reference.getIndex()).append(']');
            }
        }
        return out.isEmpty() ? "body" : out.toString();
    }

    /** Where a parser stands, as a field path (customer.phone, items[0].amount); "body" at the top. */
    static String path(tools.jackson.core.TokenStreamContext context) {
        var segments = new java.util.ArrayDeque<String>();
        for (var at = context; at != null && !at.inRoot(); at = at.getParent()) {
            if (at.inArray()) {
                segments.push("[" + Math.max(0, at.getCurrentIndex()) + "]");
            } else if (at.currentName() != null) {
                segments.push("." + at.currentName());
            }
        }
        String path = String.join("", segments);
        return path.isEmpty() ? "body" : path.startsWith(".") ? path.substring(1) : path;
    }
}
