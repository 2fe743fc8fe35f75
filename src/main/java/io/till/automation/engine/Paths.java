package io.till.automation.engine;

import tools.jackson.databind.JsonNode;

/** Reads a dotted path ({@code invoice.amount}, {@code order.items.0.name}) out of the context. */
public final class Paths {

    private Paths() {}

    /** The value at the path, or null when any part of it is missing. */
    public static JsonNode get(JsonNode context, String path) {
        JsonNode node = context;
        for (String part : path.split("\\.")) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (node.isArray() && !part.isEmpty() && part.chars().allMatch(Character::isDigit)) {
                // An index past any list (10000000000 does not fit an int) is missing, as one past its end is.
                node = part.length() > 9 ? null : node.get(Integer.parseInt(part));
            } else if (node.isObject()) {
                node = node.get(part);
            } else {
                return null;
            }
        }
        return node;
    }

    public static String root(String path) {
        int dot = path.indexOf('.');
        return dot < 0 ? path : path.substring(0, dot);
    }
}
