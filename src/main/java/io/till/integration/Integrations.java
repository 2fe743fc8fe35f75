package io.till.integration;

import io.till.shared.SecretBox;
import io.till.shared.SecretMasks;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The accounts' integrations, one per type. Secret fields are sealed with {@link SecretBox} under
 * {@code <account id>/<type>} before they reach the database, so a dump or a row moved to another account gives none
 * of them away; only {@link #opened} and the typed settings read them back.
 */
@Repository
public class Integrations {

    static final String MASK = "••••";

    private final JdbcClient db;
    private final Clock clock;
    private final SecretBox secrets;
    private final JsonMapper json;

    Integrations(JdbcClient db, Clock clock, SecretBox secrets, JsonMapper json) {
        this.db = db;
        this.clock = clock;
        this.secrets = secrets;
        this.json = json;
    }

    record Saved(Integration integration, boolean created) {}

    /** Stores the config, replacing the type's previous one; the caller has checked it. */
    Saved save(String accountId, IntegrationType type, ObjectNode config) {
        String context = context(accountId, type);
        ObjectNode sealed = transformSecrets(config.deepCopy(), secret -> secrets.seal(secret, context));
        var now = Timestamps.of(Timestamps.now(clock));
        boolean created = db.sql("""
            INSERT INTO integrations (account_id, type, config, created_at, updated_at)
            VALUES (:accountId, :type, CAST(:config AS jsonb), :now, :now)
            ON CONFLICT (account_id, type) DO UPDATE SET config = EXCLUDED.config, updated_at = EXCLUDED.updated_at
            RETURNING (xmax = 0) AS created
            """)
            .param("accountId", accountId)
            .param("type", type.code())
            .param("config", json.writeValueAsString(sealed))
            .param("now", now)
            .query(Boolean.class)
            .single();
        return new Saved(get(accountId, type), created);
    }

    Integration get(String accountId, IntegrationType type) {
        return row(accountId, type).map(row -> new Integration(type.code(), transformSecrets(opened(accountId, type,
            row.config()), Integrations::mask), row.createdAt(), row.updatedAt()))
            .orElseThrow(() -> TillException.notFound("integration", type.code()));
    }

    List<Integration> list(String accountId) {
        return db.sql("SELECT type FROM integrations WHERE account_id = :accountId ORDER BY type")
            .param("accountId", accountId)
            .query(String.class)
            .list()
            .stream()
            .flatMap(code -> IntegrationType.parse(code).stream())
            .map(type -> get(accountId, type))
            .toList();
    }

    boolean delete(String accountId, IntegrationType type) {
        return db.sql("DELETE FROM integrations WHERE account_id = :accountId AND type = :type")
            .param("accountId", accountId)
            .param("type", type.code())
            .update() > 0;
    }

    /** The type's config with its secrets in clear, for the code that calls the service. */
    public Optional<ObjectNode> opened(String accountId, IntegrationType type) {
        return row(accountId, type).map(row -> opened(accountId, type, row.config()));
    }

    public Optional<SmtpSettings> smtp(String accountId) {
        return opened(accountId, IntegrationType.SMTP).map(config -> new SmtpSettings(config.get("host").asString(),
            config.get("port").asInt(), IntegrationType.text(config, "username"), IntegrationType.text(config,
                "password"),
            config.path("starttls").asBoolean(false), config.get("from_email").asString()));
    }

    public Optional<TwilioSettings> twilio(String accountId) {
        return opened(accountId, IntegrationType.TWILIO).map(config -> new TwilioSettings(config.get("account_sid")
            .asString(), config.get("auth_token").asString(), config.get("from_number").asString(),
            Optional
                .ofNullable(IntegrationType.text(config, "base_url"))
                .map(url -> url.strip().replaceAll("/+$", "")) // stored with spaces before saves took them off
                .orElse(TwilioSettings.DEFAULT_BASE_URL)));
    }

    private record Row(ObjectNode config, java.time.Instant createdAt, java.time.Instant updatedAt) {}

    private Optional<Row> row(String accountId, IntegrationType type) {
        return db.sql("""
            SELECT config, created_at, updated_at FROM integrations WHERE account_id = :accountId AND type = :type
            """)
            .param("accountId", accountId)
            .param("type", type.code())
            .query((rs, n) -> new Row((ObjectNode) json.readTree(rs.getString("config")), Timestamps.read(rs,
                "created_at"), Timestamps.read(rs, "updated_at")))
            .optional();
    }

    private ObjectNode opened(String accountId, IntegrationType type, ObjectNode sealed) {
        String context = context(accountId, type);
        // A value stored in clear was stored before its name, or its place in an array, counted as a secret; it is
        // read as it is, and sealed when the config is next saved.
        return transformSecrets(sealed, secret -> SecretBox.isSealed(secret) ? secrets.open(secret, context) : secret);
    }

    private static String context(String accountId, IntegrationType type) {
        return accountId + "/" + type.code();
    }

    /**
     * Shows the last four characters of a secret long enough that they say little about it, else nothing; a URL that
     * is a credential shows its host and the start of its path instead ({@link SecretMasks#url}).
     */
    static String mask(String secret) {
        if (secret.startsWith("https://") || secret.startsWith("http://")) {
            return SecretMasks.url(secret);
        }
        return secret.length() >= 12 ? MASK + secret.substring(secret.length() - 4) : MASK;
    }

    /**
     * Whether {@code value} is what {@link #mask} answers for some secret rather than a secret: {@code "••••"} with at
     * most four characters after it, or a masked URL ({@code https://hooks.slack.com/services/T…/…/****}).
     */
    static boolean isMask(String value) {
        return value.startsWith(MASK) && value.length() <= MASK.length() + 4 || value.equals(SecretMasks.url(value));
    }

    /**
     * Replaces every string under a secret field name, at any depth of objects and arrays, by {@code change} of it;
     * changes in place.
     */
    private static ObjectNode transformSecrets(ObjectNode config, UnaryOperator<String> change) {
        transform(config, change);
        return config;
    }

    private static void transform(JsonNode node, UnaryOperator<String> change) {
        if (node instanceof ObjectNode object) {
            for (String field : List.copyOf(object.propertyNames())) {
                JsonNode value = object.get(field);
                if (IntegrationType.isSecretField(field) && value.isString()) {
                    object.put(field, change.apply(value.asString()));
                } else {
                    transform(value, change);
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(item -> transform(item, change));
        }
    }
}
