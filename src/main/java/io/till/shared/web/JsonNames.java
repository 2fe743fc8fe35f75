package io.till.shared.web;

import tools.jackson.databind.DatabindException;

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
    static String path(DatabindException e) {
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
}
