package io.till.shared;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.web.util.HtmlUtils;
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
 *
 * <p>What is Till's own stays as it was, whatever a person is called: strings under keys that hold ids, statuses,
 * types, intervals, currencies and moments ({@link #keeps}), and the seller's own words — a word of a name that is also
 * a word of the seller's catalog ("Day" of Doris Day, "Day" of the product Day Pass) is erased only within the whole
 * name. Each value is also searched for in the forms text takes on its way through Till: composed and decomposed
 * Unicode, HTML-escaped (a rendered email) and URL-encoded (a link).
 */
public final class Redaction {

    /** What stands where personal data stood. */
    public static final String MARK = "[redacted]";

    private static final Set<String> PERSON_FIELDS = Set.of("name", "email", "phone", "tags", "metadata");

    /** Keys whose strings are Till's vocabulary, never a person's words. */
    private static final Set<String> KEPT_KEYS = Set.of("id", "object", "type", "status", "interval", "currency",
        "kind", "mode", "country", "brand", "event", "outcome", "action");

    /** Till's own words, never erased as a word of a name alone: "renews every day" stays when Doris Day goes. */
    private static final Set<String> TILLS_WORDS = Set.of("day", "days", "week", "weeks", "month", "months", "year",
        "years", "daily", "weekly", "monthly", "yearly", "annual", "paid", "active", "unpaid", "canceled", "trial");

    /** What a person wrote about themselves, erased whole wherever it is carried (the record's column is emptied). */
    private static final Set<String> OWN_WORDS_FIELDS = Set.of("cancel_reason_text", "reason_text");

    private final String customerId;
    private final String email;
    private final Pattern values;
    private final Set<String> searched;
    private final Set<String> whole;

    private Redaction(String customerId, String email, Pattern values, Set<String> searched, Set<String> whole) {
        this.customerId = customerId;
        this.email = email;
        this.values = values;
        this.searched = searched;
        this.whole = whole;
    }

    /**
     * The redaction of customer {@code customerId}, whose email becomes {@code email}; {@code values} are searched for
     * as they are, and {@code names} also word by word (a first name alone is the person too), but for the words in
     * {@code sellersWords} (in any case), which are searched for only within a whole name.
     */
    public static Redaction of(String customerId, String email, Collection<String> values, Collection<String> names,
        Collection<String> sellersWords) {
        Set<String> sellers = sellersWords.stream().map(word -> word.toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());
        var whole = new LinkedHashSet<String>();
        values.forEach(value -> add(whole, value));
        names.forEach(name -> add(whole, name));
        var searched = new LinkedHashSet<String>(whole);
        names.forEach(name -> {
            if (name != null) {
                for (String word : words(name)) {
                    String lower = word.toLowerCase(Locale.ROOT);
                    if (!sellers.contains(lower) && !TILLS_WORDS.contains(lower)) {
                        add(searched, word);
                    }
                }
            }
        });
        if (searched.isEmpty()) {
            return new Redaction(customerId, email, null, Set.of(), Set.of());
        }
        // Longest first, so that "Ada Lovelace" is erased whole before "Ada" is looked for.
        String alternatives = searched.stream()
            .flatMap(Redaction::forms)
            .distinct()
            .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
            .map(Pattern::quote)
            .collect(Collectors.joining("|"));
        return new Redaction(customerId, email, Pattern.compile("(?<![\\p{L}\\p{N}\\p{M}_])(?:" + alternatives
            + ")(?![\\p{L}\\p{N}\\p{M}_])", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), Set.copyOf(searched),
            Set.copyOf(whole));
    }

    /** The words of a name, or of any of the seller's names: split at spaces, commas, dashes and the like. */
    public static List<String> words(String text) {
        return Arrays.stream(text.strip().split("[^\\p{L}\\p{N}\\p{M}'’.]+")).filter(word -> !word.isEmpty()).toList();
    }

    /** The forms a value takes in what Till keeps: composed, decomposed, HTML-escaped, URL-encoded. */
    private static Stream<String> forms(String value) {
        var forms = new LinkedHashSet<String>();
        for (String unicode : List.of(Normalizer.normalize(value, Normalizer.Form.NFC),
            Normalizer.normalize(value, Normalizer.Form.NFD))) {
            forms.add(unicode);
            // As templates escape (only what HTML needs, quotes each way they write them), and as a full escape does.
            for (String[] quotes : List.of(new String[]{"&#39;", "&quot;"}, new String[]{"&#x27;", "&#34;"},
                new String[]{"&apos;", "&quot;"})) {
                forms.add(unicode.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    .replace("'", quotes[0]).replace("\"", quotes[1]));
            }
            forms.add(HtmlUtils.htmlEscape(unicode, "UTF-8"));
            forms.add(URLEncoder.encode(unicode, StandardCharsets.UTF_8));
            forms.add(URLEncoder.encode(unicode, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return forms.stream();
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

    /**
     * LIKE patterns (lower case, {@code \\} escaping) matching text that holds any of the values or whole names in
     * any of their forms: for finding rows that mention the person without being about them by id (a notification to
     * staff). Not a word of a name alone: "Hello Zelda" to another Zelda is hers.
     */
    public String[] likePatterns() {
        return whole.stream()
            .flatMap(Redaction::forms)
            .map(form -> "%" + form.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                .replace("_", "\\_") + "%")
            .distinct()
            .toArray(String[]::new);
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

    /** Whether a string under this key is Till's own (an id, a status, a moment), kept whatever a person is called. */
    static boolean keeps(String key) {
        return KEPT_KEYS.contains(key) || key.endsWith("_id") || key.endsWith("_ids") || key.endsWith("_at");
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
            for (String name : List.copyOf(object.propertyNames())) {
                JsonNode value = object.get(name);
                if (OWN_WORDS_FIELDS.contains(name) && value.isString()) {
                    object.putNull(name);
                } else if (!keeps(name) || value.isContainer() && !name.endsWith("_ids")) {
                    object.set(name, walk(value));
                }
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
