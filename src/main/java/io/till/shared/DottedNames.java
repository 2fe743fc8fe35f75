package io.till.shared;

/**
 * Names joined by dots, as event types ({@code acme.signup}) and context paths ({@code customer.email}) are, checked by
 * a loop over the characters. A regular expression with a repeated group ({@code (\.[a-z]+)+}) recurses once per part
 * in Java, and a probe's 4 KB path of 2,000 parts overflowed the stack: a 500 where a 400 was due.
 */
public final class DottedNames {

    /** The longest event type, here as where events are posted. */
    public static final int MAX_EVENT_TYPE = 100;

    /** The longest path: the deepest of the context's paths is a few dozen characters. */
    public static final int MAX_PATH = 200;

    private DottedNames() {}

    /**
     * An event type: two parts or more, each a lower-case letter then letters, digits or underscores
     * ({@code [a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+}), at most {@value #MAX_EVENT_TYPE} characters.
     */
    public static boolean isEventType(String text) {
        return text != null && text.length() <= MAX_EVENT_TYPE && parts(text, false) >= 2;
    }

    /**
     * A path into a context: a first part that is a lower-case letter or an underscore then letters, digits or
     * underscores, then parts of letters, digits or underscores ({@code [a-z_][a-z0-9_]*(\.[a-z0-9_]+)*}), at most
     * {@value #MAX_PATH} characters.
     */
    public static boolean isPath(String text) {
        return text != null && text.length() <= MAX_PATH && parts(text, true) >= 1;
    }

    /**
     * How many parts the text has, or 0 when it is not dotted names of this kind. Every part starts with a letter; a
     * path's first part may start with an underscore, and its later parts with a digit or an underscore too.
     */
    private static int parts(String text, boolean path) {
        int parts = 0;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '.') {
                if (i == start) {
                    return 0;
                }
                parts++;
                start = i + 1;
                continue;
            }
            char c = text.charAt(i);
            boolean letter = c >= 'a' && c <= 'z';
            boolean digitOrUnderscore = c >= '0' && c <= '9' || c == '_';
            boolean allowed = i > start || path && parts > 0
                ? letter || digitOrUnderscore
                : letter || path && c == '_';
            if (!allowed) {
                return 0;
            }
        }
        return parts;
    }
}
