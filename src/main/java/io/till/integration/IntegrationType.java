package io.till.integration;

import io.till.shared.EmailAddresses;
import io.till.shared.FieldErrors;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The services an account can connect, each with what its config must hold. */
public enum IntegrationType {
    SMTP,
    TWILIO,
    SLACK,
    ACTIVECAMPAIGN,
    HUBSPOT,
    KEAP;

    /**
     * How the names of config fields that hold a secret end, once lower-cased and stripped of separators: such a field
     * is stored sealed and shown masked wherever it appears ({@code refresh_token}, {@code clientSecret},
     * {@code X-API-KEY}, {@code db_password}). A Slack incoming webhook's URL is one: whoever has it can post.
     */
    private static final List<String> SECRET_NAME_ENDINGS = List.of("password", "passwd", "passphrase", "secret",
        "token", "apikey", "privatekey", "secretkey", "signingkey", "accesskey", "webhookurl");

    private static final Pattern TWILIO_SID = Pattern.compile("AC[0-9a-fA-F]{32}");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    /** A DNS label of a host name (RFC 1123): letters, digits and inner hyphens, 1 to 63 of them. */
    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    /** A host name, its last label not all digits (no top-level domain is), with or without the root's dot. */
    private static final Pattern HOST_NAME = Pattern.compile("(?:" + LABEL + "\\.)*" + LABEL + "\\.?");
    private static final Pattern IPV4 = Pattern.compile(
        "(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*]?");

    /** How a config field is entered on the dashboard's form. */
    public enum Kind {
        TEXT,
        EMAIL,
        URL,
        NUMBER,
        CHECKBOX,
        /** Stored sealed, never shown again: left blank on an edit, the stored one is kept. */
        SECRET
    }

    /** A config field as the dashboard's form asks for it; {@code name} is its key in the config. */
    public record Field(String name, String label, Kind kind, boolean required, String hint) {}

    /** What a new connection's form starts with: SMTP requires STARTTLS unless told not to, as the API does. */
    public Map<String, String> newFormValues() {
        return this == SMTP ? Map.of("starttls", "true") : Map.of();
    }

    /** The fields the dashboard's form offers (the README's table); the API takes the same keys. */
    public List<Field> fields() {
        return switch (this) {
            case SMTP ->
                List.of(new Field("host", "Host", Kind.TEXT, true, "The SMTP server, such as smtp.example.com"),
                    new Field("port", "Port", Kind.NUMBER, true, "587 for STARTTLS, 465 for implicit TLS"),
                    new Field("username", "User name", Kind.TEXT, false, null),
                    new Field("password", "Password", Kind.SECRET, false, "Needs a user name"),
                    new Field("starttls", "Require STARTTLS", Kind.CHECKBOX, false,
                        "Leave on unless the server has no TLS: without it the password and every email cross the "
                            + "network in clear. Port 465 always uses TLS."),
                    new Field("from_email", "From email", Kind.EMAIL, true, "The address emails are sent from"));
            case TWILIO -> List.of(new Field("account_sid", "Account SID", Kind.TEXT, true, "AC followed by 32 "
                + "hexadecimal digits"), new Field("auth_token", "Auth token", Kind.SECRET, true, null),
                new Field("from_number", "From number", Kind.TEXT, true, "In E.164 form, such as +14155550100"),
                new Field("base_url", "API base URL", Kind.URL, false, "Blank for https://api.twilio.com"));
            case SLACK -> List.of(new Field("webhook_url", "Incoming webhook URL", Kind.SECRET, true,
                "https://hooks.slack.com/services/…"));
            case ACTIVECAMPAIGN -> List.of(new Field("base_url", "API URL", Kind.URL, true,
                "https://<account>.api-us1.com"), new Field("api_key", "API key", Kind.SECRET, true, null));
            case HUBSPOT -> List.of(new Field("access_token", "Private app token", Kind.SECRET, true,
                "Scopes crm.objects.contacts.write and automation"),
                new Field("base_url", "API base URL", Kind.URL,
                    false, "Blank for HubSpot's"),
                new Field("tag_property", "Tag property", Kind.TEXT, false,
                    "Blank for till_tags"));
            case KEAP -> List.of(new Field("access_token", "Access token", Kind.SECRET, true, null), new Field(
                "base_url", "API base URL", Kind.URL, false, "Blank for https://api.infusionsoft.com/crm/rest"));
        };
    }

    /**
     * The hint of a secret field once one is saved, saying what the form does with it (IntegrationChanges.saveForm):
     * left empty, the saved one is kept; typed, it is replaced. An optional one cannot be emptied from the form (an
     * empty field keeps it), only by disconnecting.
     */
    public String savedSecretHint(Field field) {
        String label = field.label();
        String name = label.length() > 1 && Character.isLowerCase(label.charAt(1))
            ? Character.toLowerCase(label.charAt(0)) + label.substring(1)
            : label;
        return ("aeiou".indexOf(Character.toLowerCase(name.charAt(0))) >= 0 ? "An " : "A ") + name + " is saved. "
            + "Leave this empty to keep it, or type a new one to replace it." + (field.required()
                ? ""
                : " To remove it, disconnect " + label() + " and connect it again.");
    }

    /** The name staff know the service by. */
    public String label() {
        return switch (this) {
            case SMTP -> "SMTP (email)";
            case TWILIO -> "Twilio (SMS)";
            case SLACK -> "Slack";
            case ACTIVECAMPAIGN -> "ActiveCampaign";
            case HUBSPOT -> "HubSpot";
            case KEAP -> "Keap";
        };
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<IntegrationType> parse(String code) {
        for (IntegrationType type : values()) {
            if (type.code().equals(code)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** Adds every bad field of {@code config} to {@code errors} under {@code config.}. */
    void check(JsonNode config, FieldErrors errors) {
        if (config == null || !config.isObject()) {
            errors.add("config", "invalid_type", "must be an object");
            return;
        }
        checkSecretsAreStrings(config, "config", errors);
        for (var field : fields()) {
            JsonNode value = config.get(field.name());
            if (value != null && field.kind() != Kind.SECRET && !value.isNull() && !value.isValueNode()) {
                // A list or an object where the form shows one value: its settings page could not show it.
                errors.add("config." + field.name(), "invalid_type", "must be " + (field.kind() == Kind.NUMBER
                    ? "a number"
                    : "a string"));
            }
            // One that is not a string is named as that, above.
            boolean missing = !config.hasNonNull(field.name()) || !hasText(config, field.name()) && config.get(field
                .name()).isString();
            if (field.kind() == Kind.SECRET && field.required() && missing) {
                errors.add("config." + field.name(), "required", "is required: the " + label() + " "
                    + field.label().toLowerCase(Locale.ROOT));
            }
        }
        switch (this) {
            case SMTP -> {
                only(config, errors, "host", "port", "username", "password", "starttls", "from_email");
                if (!hasText(config, "host")) {
                    errors.add("config.host", "required", "is required: the SMTP server's host name");
                }
                JsonNode port = config.get("port");
                if (port == null || !port.isIntegralNumber() || port.asInt(0) < 1 || port.asInt(0) > 65535) {
                    errors.add("config.port", port == null ? "required" : "invalid_value",
                        "must be a port number, 1 to 65535 (587 for STARTTLS, 465 for SMTPS)");
                }
                optionalString(config, errors, "username");
                JsonNode starttls = config.get("starttls");
                if (starttls != null && !starttls.isNull() && !starttls.isBoolean()) {
                    errors.add("config.starttls", "invalid_type", "must be true or false");
                }
                if (!hasText(config, "from_email") || !EmailAddresses.isPlain(config.get("from_email").asString())) {
                    errors.add("config.from_email", hasText(config, "from_email") ? "invalid_email" : "required",
                        "must be the email address messages are sent from");
                }
                if (hasText(config, "password") && !hasText(config, "username")) {
                    errors.add("config.username", "required", "is required with a password");
                }
                // A user name turns signing in on, and a mail client with no password to give never connects: every
                // email would fail as refused credentials, though no server was asked.
                if (hasText(config, "username") && !hasText(config, "password")) {
                    errors.add("config.password", "required", "is required with a user name (leave both empty for a "
                        + "server that takes mail without signing in)");
                }
            }
            case TWILIO -> {
                only(config, errors, "account_sid", "auth_token", "from_number", "base_url");
                if (!hasText(config, "account_sid") || !TWILIO_SID.matcher(config.get("account_sid").asString())
                    .matches()) {
                    errors.add("config.account_sid", hasText(config, "account_sid") ? "invalid_value" : "required",
                        "must be the account SID: AC followed by 32 hexadecimal digits");
                }
                if (!hasText(config, "from_number") || !E164.matcher(config.get("from_number").asString())
                    .matches()) {
                    errors.add("config.from_number", hasText(config, "from_number") ? "invalid_phone" : "required",
                        "must be the sending phone number in E.164 form (+14155550100)");
                }
            }
            // Stored for the CRM and Slack actions, which check what they need when they use it.
            case SLACK, ACTIVECAMPAIGN, HUBSPOT, KEAP -> {
                if (config.size() > 20) {
                    errors.add("config", "too_many_fields", "holds at most 20 fields");
                }
                if (this == ACTIVECAMPAIGN && !config.hasNonNull("base_url")) {
                    errors.add("config.base_url", "required", "is required: the account's API URL, "
                        + "https://<account>.api-us1.com");
                }
            }
        }
    }

    /**
     * Why {@code host} can be no server's, said after the field's name; empty for a host name (smtp.example.com) or an
     * IP address. Checked as written: " smtp.example.com" and "smtp example.com" are no host a resolver looks up.
     */
    static Optional<String> invalidHost(String host) {
        boolean valid = IPV6.matcher(host).matches()
            ? ipv6(host)
            : IPV4.matcher(host).matches() || host.length() <= 254 && HOST_NAME.matcher(host).matches()
                && !host.replaceAll("\\.$", "").replaceAll(".*\\.", "").matches("[0-9]+");
        return valid
            ? Optional.empty()
            : Optional.of("must be a host name such as smtp.example.com (letters, digits, hyphens and dots, no "
                + "spaces) or an IP address");
    }

    /** Whether {@code host} is an IPv6 address, in brackets or not; a literal is parsed, never looked up. */
    private static boolean ipv6(String host) {
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (literal.contains("[") || literal.contains("]")) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName("[" + literal + "]") instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Whether a config field of this name holds a secret, wherever it appears ({@link #SECRET_NAME_ENDINGS}). */
    static boolean isSecretField(String name) {
        String normalized = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return SECRET_NAME_ENDINGS.stream().anyMatch(normalized::endsWith);
    }

    /** A secret is sealed as a string: one of another type, in an object or an array at any depth, is refused. */
    private static void checkSecretsAreStrings(JsonNode node, String path, FieldErrors errors) {
        if (node.isObject()) {
            for (String name : node.propertyNames()) {
                JsonNode value = node.get(name);
                if (isSecretField(name) && !value.isNull() && !value.isString()) {
                    errors.add(path + "." + name, "invalid_type", "must be a string: it is stored as a secret");
                } else {
                    checkSecretsAreStrings(value, path + "." + name, errors);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkSecretsAreStrings(node.get(i), path + "[" + i + "]", errors);
            }
        }
    }

    private static void only(JsonNode config, FieldErrors errors, String... fields) {
        var allowed = Set.of(fields);
        for (String field : config.propertyNames()) {
            if (!allowed.contains(field)) {
                errors.add("config." + field, "unknown_field", "is not a setting; the settings are "
                    + allowed.stream().sorted().toList());
            }
        }
    }

    private static void optionalString(JsonNode config, FieldErrors errors, String field) {
        JsonNode value = config.get(field);
        if (value != null && !value.isNull() && !value.isString()) {
            errors.add("config." + field, "invalid_type", "must be a string");
        }
    }

    static boolean hasText(JsonNode config, String field) {
        JsonNode value = config.get(field);
        return value != null && value.isString() && !value.asString().isBlank();
    }

    static String text(ObjectNode config, String field) {
        return hasText(config, field) ? config.get(field).asString() : null;
    }

    /**
     * The fields that say where the type's secrets are sent, and how: a stored secret goes only where it went when it
     * was given ({@code IntegrationChanges}). Slack's webhook URL is itself the secret.
     */
    List<String> destinationFields() {
        return switch (this) {
            case SMTP -> List.of("host", "port", "starttls");
            case SLACK -> List.of();
            case TWILIO, ACTIVECAMPAIGN, HUBSPOT, KEAP -> List.of("base_url");
        };
    }

    /**
     * The config field that holds the URL Till calls, checked as a URL and against the egress guard when saved (see
     * {@code IntegrationChanges}); SMTP's {@code host} is no URL.
     */
    Optional<String> urlField() {
        return switch (this) {
            case SMTP -> Optional.empty();
            case SLACK -> Optional.of("webhook_url");
            case TWILIO, ACTIVECAMPAIGN, HUBSPOT, KEAP -> Optional.of("base_url");
        };
    }
}
