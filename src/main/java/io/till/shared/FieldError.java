package io.till.shared;

/**
 * One bad field of a request: {@code field} is its path in the JSON body or the name of the query parameter
 * ({@code items[2].amount}, {@code limit}), {@code code} a stable reason such as {@code required} or {@code too_long}.
 */
public record FieldError(String field, String code, String message) {

    /** The message as a sentence beside its field on a page: {@code must be positive} as {@code Must be positive.} */
    public String sentence() {
        if (message.isEmpty()) {
            return message;
        }
        String said = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return said.endsWith(".") ? said : said + ".";
    }
}
