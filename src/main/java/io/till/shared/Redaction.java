package io.till.shared;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Erases one person's personal data from what Till kept about them, keeping everything else (ids, amounts, dates,
 * statuses, the shape of the JSON), so that the books still add up and every run still reads as it ran.
 *
 * <p>Two ways, because personal data sits both in known fields and in free text. In JSON, a customer snapshot (an
 * object with a {@code cus_} id and an email) loses its name, email, phone, tags and metadata; a
 * {@code previous_attributes} object loses the same fields; a {@code billing_address} keeps only its country (the tax
 * evidence). Everywhere, every string has each of the person's values (emails, names and the words of a name, phones,
 * address lines) replaced by {@link #MARK}, as a whole word in any case, so "Hi Ada," in a rendered email becomes
 * "Hi [redacted],". A value shorter than two characters is not searched for: it would erase letters, not a person.
 */
public final class Redaction {

    /** What stands where personal data stood. */
    public static final String MARK = "[redacted]";

    private static final Set<String> PERSON_FIELDS = Set.of("name", "email", "phone", "tags", "metadata");

    private final String customerId;
    private final String email;
    private final Pattern values;
    private final Set<String> searched;

    private Redaction(String customerId, String email, Pattern values, Set<String> searched) {
        this.customerId = customerId;
        this.email = email;
        this.values = values;
        this.searched = searched;
    }

    /**
     * The redaction of customer {@code customerId}, whose email becomes {@code email}; {@code values} are searched for
     * as they are, and {@code names} also word by word (a first name alone is the person too).
     */
    public static Redaction of(String customerId, String email, Collection<String> values, Collection<String> names) {
        var searched = new LinkedHashSet<String>();
        values.forEach(value -> add(searched, value));
        names.forEach(name -> {
            add(searched, name);
            if (name != null) {
                for (String word : name.strip().split("[\\s,]+")) {
                    add(searched, word);
                }
            }
        });
        if (searched.isEmpty()) {
            return new Redaction(customerId, email, null, Set.of());
        }
        // Longest first, so that "Ada Lovelace" is erased whole before "Ada" is looked for.
        String alternatives = searched.stream()
            .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
            .map(Pattern::quote)
            .collect(Collectors.joining("|"));
        return new Redaction(customerId, email, Pattern.compile("(?<![\\p{L}\\p{N}_])(?:" + alternatives
            + ")(?![\\p{L}\\p{N}_])", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), Set.copyOf(searched));
    }

    private static void add(Set<String> searched, String value) {
        if (value != null && value.strip().length() >= 2) {
            searched.add(value.strip());
        }
    }

    /** The email the customer's record keeps: unique in the account, and at a domain that can never receive mail. */
    public static String emailOf(String customerId) {
        return customerId.toLowerCase(Locale.ROOT) + "@redacted.invalid";
    }

    /** The values searched for, in lower case: a message addressed to one of them was addressed to the person. */
    public Set<String> lowerCaseValues() {
        return searched.stream().map(value -> value.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /** The text with every value of the person replaced by {@link #MARK}; null stays null. */
    public String text(String text) {
        if (text == null || values == null) {
            return text;
        }
        return values.matcher(text).replaceAll(Matcher.quoteReplacement(MARK));
    }

    /** A redacted copy of the JSON; null stays null. */
    public JsonNode json(JsonNode node) {
        if (node == null) {
            return null;
        }
        var copy = node.deepCopy();
        return walk(copy);
    }

    private JsonNode walk(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (isThisCustomer(object)) {
                object.put("name", MARK).put("email", email);
                clearPersonFields(object, Set.of("phone", "tags", "metadata"));
            }
            object.properties().forEach(field -> {
                JsonNode value = field.getValue();
                if (field.getKey().equals("previous_attributes") && value instanceof ObjectNode previous) {
                    clearPersonFields(previous, PERSON_FIELDS);
                } else if (field.getKey().equals("billing_address") && value instanceof ObjectNode address) {
                    address.propertyNames().stream().filter(name -> !name.equals("country")).toList()
                        .forEach(name -> address.putNull(name));
                }
            });
            for (String name : java.util.List.copyOf(object.propertyNames())) {
                object.set(name, walk(object.get(name)));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, walk(array.get(i)));
            }
        } else if (node.isString()) {
            return StringNode.valueOf(text(node.asString()));
        }
        return node;
    }

    private boolean isThisCustomer(ObjectNode object) {
        JsonNode id = object.get("id");
        return id != null && id.isString() && id.asString().equals(customerId) && object.has("email");
    }

    /** Each field present is emptied as its kind allows: a list to [], a map to {}, anything else to null. */
    private static void clearPersonFields(ObjectNode object, Set<String> fields) {
        for (String field : fields) {
            JsonNode value = object.get(field);
            if (value == null) {
                continue;
            }
            if (value.isArray()) {
                object.putArray(field);
            } else if (value.isObject()) {
                object.putObject(field);
            } else if (field.equals("name") && value.isString()) {
                object.put(field, MARK);
            } else if (field.equals("email") && value.isString()) {
                object.put(field, MARK);
            } else {
                object.putNull(field);
            }
        }
    }
}
