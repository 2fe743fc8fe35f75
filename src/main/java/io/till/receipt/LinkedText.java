package io.till.receipt;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A seller's text (a receipt's footer) cut into plain runs and the web addresses in it, so that a receipt shows
 * "https://…" as a link a buyer can follow. Only {@code http} and {@code https} addresses are links; punctuation that
 * ends a sentence is not part of one.
 */
public final class LinkedText {

    private static final Pattern ADDRESS = Pattern.compile("https?://[^\\s<>\"]+", Pattern.CASE_INSENSITIVE);
    private static final String TRAILING = ".,;:!?)]}'\u2019\u201d";

    private LinkedText() {}

    /** A run of the text: a link when {@code href} is not null (then {@code text} is the address as written). */
    public record Part(String text, String href) {}

    static List<Part> of(String text) {
        if (text == null) {
            return List.of();
        }
        var parts = new ArrayList<Part>();
        var found = ADDRESS.matcher(text);
        int at = 0;
        while (found.find()) {
            int end = found.end();
            while (end > found.start() && TRAILING.indexOf(text.charAt(end - 1)) >= 0) {
                end--;
            }
            String address = text.substring(found.start(), end);
            if (address.endsWith("://")) {
                continue;
            }
            if (found.start() > at) {
                parts.add(new Part(text.substring(at, found.start()), null));
            }
            parts.add(new Part(address, address));
            at = end;
        }
        if (at < text.length()) {
            parts.add(new Part(text.substring(at), null));
        }
        return List.copyOf(parts);
    }
}
