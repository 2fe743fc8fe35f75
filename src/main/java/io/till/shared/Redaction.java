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
import java.util.Objects;
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
 * <p>What is Till's own stays as it was, whatever a person is called: under keys that hold ids, statuses, types,
 * intervals, currencies and moments, the strings that read as such ({@link #keeps}: an email under {@code user_id} is
 * not an id); a word of Till's ("day", "paid"); and the seller's names. A word of a name that the seller's catalog uses
 * too ("Max" of Max Power, of the product Max Plan) is erased everywhere but in the catalog's names: in a name field
 * ({@code name}, {@code product_name}…), and wherever a whole name of the catalog stands in text ("Hi [redacted], your
 * Max Plan renews"). Each value is also searched for in the forms text takes on its way through Till: composed and
 * decomposed Unicode, HTML-escaped (a rendered email) and URL-encoded (a link).
 *
 * <p>A row that is not about the person but mentions them (a notification to staff) is found only by what identifies
 * them ({@link #likePatterns}: an email, a phone, a full name), and loses only those whole values and their address
 * ({@link #mentionsOnly}): "Hi Zelda" in a mail to another Zelda of the same town is hers.
 */
public final class Redaction {

    /** What stands where personal data stood. */
    public static final String MARK = "[redacted]";

    private static final Set<String> PERSON_FIELDS = Set.of("name", "email", "phone", "tags", "metadata");

    /** Keys whose strings are Till's vocabulary, when they read as one token ("active", "payment.failed", "GB"). */
    private static final Set<String> VOCABULARY_KEYS = Set.of("object", "type", "status", "interval", "currency",
        "kind", "mode", "country", "brand", "event", "outcome", "action");

    /** Keys whose strings are names of the seller's catalog: a word of the person's name that it uses stays there. */
    private static final Set<String> CATALOG_NAME_KEYS = Set.of("name", "product_name", "option_name",
        "addon_name", "upsell_name", "checkout_name", "group_name");

    private static final Pattern TILL_ID = Pattern.compile("[a-z][a-z0-9]*_[A-Za-z0-9]+");
    private static final Pattern MOMENT = Pattern
        .compile("\\d{4}-\\d{2}-\\d{2}(?:[T ][0-9:.]+)?(?:Z|[+-]\\d{2}(?::?\\d{2})?)?");
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}_.:-]+");

    /** Till's own words, never erased as a word of a name alone: "renews every day" stays when Doris Day goes. */
    private static final Set<String> TILLS_WORDS = Set.of("day", "days", "week", "weeks", "month", "months", "year",
        "years", "daily", "weekly", "monthly", "yearly", "annual", "paid", "active", "unpaid", "canceled", "trial");

    /** What a person wrote about themselves, erased whole wherever it is carried (the record's column is emptied). */
    private static final Set<String> OWN_WORDS_FIELDS = Set.of("cancel_reason_text", "reason_text");

    /** Values found in a text, and the seller's names kept where they stand in it; null when nothing is searched. */
    private record Search(Pattern pattern, Set<String> kept) {

        static Search of(Set<String> searched, Set<String> sellersNames) {
            if (searched.isEmpty()) {
                return new Search(null, Set.of());
            }
            var kept = sellersNames.stream()
                .flatMap(Redaction::forms)
                .map(form -> form.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
            // Longest first, so that "Ada Lovelace" is erased whole before "Ada" is looked for, and the product
            // "Max Plan" is kept whole before "Max" is.
            String alternatives = Stream.concat(searched.stream(), sellersNames.stream())
                .flatMap(Redaction::forms)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
                .map(Pattern::quote)
                .collect(Collectors.joining("|"));
            return new Search(Pattern.compile("(?<![\\p{L}\\p{N}\\p{M}_])(?:" + alternatives
                + ")(?![\\p{L}\\p{N}\\p{M}_])", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), Set.copyOf(kept));
        }

        String apply(String text) {
            if (pattern == null) {
                return text;
            }
            return pattern.matcher(text).replaceAll(found -> Matcher.quoteReplacement(
                kept.contains(found.group().toLowerCase(Locale.ROOT)) ? found.group() : MARK));
        }
    }

    private final String customerId;
    private final String email;
    /** Every value, whole and word by word, the catalog's words among them: for text. */
    private final Search everywhere;
    /** The same but the catalog's words: for the catalog's names. */
    private final Search inNames;
    /** The whole values only: for a row that mentions the person. */
    private final Search mentions;
    private final Set<String> exact;
    private final Set<String> identifying;

    private Redaction(String customerId, String email, Search everywhere, Search inNames, Search mentions,
        Set<String> exact, Set<String> identifying) {
        this.customerId = customerId;
        this.email = email;
        this.everywhere = everywhere;
        this.inNames = inNames;
        this.mentions = mentions;
        this.exact = exact;
        this.identifying = identifying;
    }

    /**
     * The redaction of customer {@code customerId}, whose email becomes {@code email}: {@code known}'s exact values and
     * places are searched for as they are, its names also word by word (a first name alone is the person too);
     * {@code sellersNames} are the names in the seller's catalog, whose words stay in them.
     */
    public static Redaction of(String customerId, String email, PersonalData.Values known,
        Collection<String> sellersNames) {
        var exact = new LinkedHashSet<String>();
        known.exact().forEach(value -> add(exact, value));
        var names = new LinkedHashSet<String>();
        known.names().forEach(name -> add(names, name));
        var whole = new LinkedHashSet<String>(exact);
        whole.addAll(names);
        known.places().forEach(place -> add(whole, place));
        Set<String> catalogWords = sellersNames.stream()
            .filter(Objects::nonNull)
            .flatMap(name -> words(name).stream())
            .map(word -> word.toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());
        var words = new LinkedHashSet<String>();
        names.forEach(name -> words(name).stream()
            .filter(word -> !TILLS_WORDS.contains(word.toLowerCase(Locale.ROOT)))
            .forEach(word -> add(words, word)));
        var everything = new LinkedHashSet<String>(whole);
        everything.addAll(words);
        var apartFromCatalog = new LinkedHashSet<String>(whole);
        words.stream().filter(word -> !catalogWords.contains(word.toLowerCase(Locale.ROOT)))
            .forEach(apartFromCatalog::add);
        // The catalog's names that hold a word of the person's, and are not one of their values themselves.
        Set<String> lowerEverything = everything.stream().map(value -> value.toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());
        Set<String> kept = sellersNames.stream()
            .filter(name -> name != null && name.strip().length() >= 2)
            .map(String::strip)
            .filter(name -> !lowerEverything.contains(name.toLowerCase(Locale.ROOT)))
            .filter(name -> words(name).stream().map(Redaction::lower).anyMatch(lowerEverything::contains))
            .collect(Collectors.toSet());
        // Found by what identifies them alone: an email, a phone, an identifier, a name of two words or more.
        var identifying = new LinkedHashSet<String>(exact);
        names.stream().filter(name -> words(name).size() >= 2).forEach(identifying::add);
        return new Redaction(customerId, email, Search.of(everything, kept), Search.of(apartFromCatalog, Set.of()),
            Search.of(whole, kept), Set.copyOf(exact), Set.copyOf(identifying));
    }

    /**
     * The redaction of customer {@code customerId} once Till no longer knows their values: for what reaches Till after
     * their erasure (the result of a step that was running at that moment). Every text is taken for theirs and goes
     * whole, but what {@link #keeps} reads as Till's own (ids, moments, statuses); numbers, booleans and the shape of
     * the JSON stay.
     */
    public static Redaction everyText(String customerId) {
        var whole = new Search(Pattern.compile(".+", Pattern.DOTALL), Set.of());
        return new Redaction(customerId, emailOf(customerId), whole, whole, whole, Set.of(), Set.of());
    }

    /**
     * This redaction for rows that only mention the person: their whole values go (emails, phones, full names, address
     * lines), the words of their name stay (they may be another person's, the row's own).
     */
    public Redaction mentionsOnly() {
        return new Redaction(customerId, email, mentions, mentions, mentions, exact, identifying);
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

    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
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

    /** The person's exact values (emails, phones), in lower case: a message addressed to one was addressed to them. */
    public Set<String> lowerCaseValues() {
        return exact.stream().map(value -> value.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /**
     * LIKE patterns (lower case, {@code \\} escaping) matching text that holds what identifies the person (an email, a
     * phone, a full name) in any of its forms: for finding rows that mention the person without being about them by
     * id (a notification to staff). Not a word of a name alone, nor a town: "Hello Zelda" to another Zelda is hers.
     */
    public String[] likePatterns() {
        return identifying.stream()
            .flatMap(Redaction::forms)
            .map(form -> "%" + form.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                .replace("_", "\\_") + "%")
            .distinct()
            .toArray(String[]::new);
    }

    /** The text with every value of the person replaced by {@link #MARK}; null stays null. */
    public String text(String text) {
        return text == null ? null : everywhere.apply(text);
    }

    /** A redacted copy of the JSON; null stays null. */
    public JsonNode json(JsonNode node) {
        if (node == null) {
            return null;
        }
        var copy = node.deepCopy();
        return walk(copy, null);
    }

    /**
     * Whether {@code value}, a string under {@code key}, is Till's own and kept whatever a person is called: an id
     * under an id's key, a moment under a moment's, one token under a status's or a type's. A seller's data may name
     * its keys so and hold anything: an email under {@code user_id} is erased.
     */
    private static boolean isIdKey(String key) {
        return key.equals("id") || key.endsWith("_id") || key.endsWith("_ids");
    }

    static boolean keeps(String key, String value) {
        if (isIdKey(key)) {
            return TILL_ID.matcher(value).matches();
        }
        if (key.endsWith("_at")) {
            return MOMENT.matcher(value).matches();
        }
        return VOCABULARY_KEYS.contains(key) && TOKEN.matcher(value).matches() && !value.contains("@");
    }

    private JsonNode walk(JsonNode node, String key) {
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
                } else {
                    object.set(name, walk(value, name));
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, walk(array.get(i), key));
            }
        } else if (node.isString()) {
            String text = node.asString();
            // One of the person's own values is theirs even under an id's key, where it looks like an id (their
            // app's user id usr_8f2k1x under user_id); never an id Till made, nor a moment or a status word.
            if (key != null && keeps(key, text) && !(isIdKey(key) && !Ids.isAnyId(text) && isOneOfTheirs(text))) {
                return node;
            }
            return StringNode.valueOf(key != null && CATALOG_NAME_KEYS.contains(key)
                ? inNames.apply(text)
                : everywhere.apply(text));
        }
        return node;
    }

    private boolean isOneOfTheirs(String text) {
        String value = text.strip();
        return exact.stream().anyMatch(theirs -> theirs.equalsIgnoreCase(value));
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
