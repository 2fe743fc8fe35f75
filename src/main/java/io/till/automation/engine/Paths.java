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
            if (node.isArray() && part.chars().allMatch(Character::isDigit)) {
                node = node.get(Integer.parseInt(part));
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
