package io.till.automation;

import io.till.billing.NoticeBackfill;
import io.till.event.EventType;
import io.till.idempotency.RequestEffects;
import io.till.shared.ErrorCode;
import io.till.shared.FieldErrors;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Automations and their versions. Every definition is checked by the {@link DefinitionParser} before it is kept, so
 * nothing invalid is ever half-saved; activating a version makes the previously active one inactive. Definitions are
 * kept and answered here with their secret params sealed ({@link StepSecrets}); the API masks them.
 */
@Repository
public class Automations {

    /** Nodes alike, numbers by value: a form posts 1 where the stored definition reads back 1 of another width. */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> a.equals(b)
        || a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;

    private final JdbcClient db;
    private final RequestEffects effects;
    private final JsonMapper json;
    private final AutomationSchedules schedules;
    private final Clock clock;
    private final DefinitionParser parser;
    private final StepSecrets secrets;
    private final NoticeBackfill backfill;
    private final AccountParams params;
    private final RowMapper<Automation> automation;
    private final RowMapper<Automation.Version> version;

    Automations(JdbcClient db, JsonMapper json, Clock clock, DefinitionParser parser, StepSecrets secrets,
        NoticeBackfill backfill, AccountParams params, AutomationSchedules schedules, RequestEffects effects) {
        this.effects = effects;
        this.schedules = schedules;
        this.backfill = backfill;
        this.params = params;
        this.db = db;
        this.secrets = secrets;
        this.parser = parser;
        this.json = json;
        this.clock = clock;
        // An archived automation says so: it starts nothing, whatever version was active when it was archived.
        this.automation = (rs, row) -> new Automation(rs.getString("id"), rs.getString("name"),
            rs.getInt("latest_version"), rs.getObject("archived_at") != null ? "archived" : rs.getString("status"),
            rs.getObject("active_version", Integer.class),
            rs.getBoolean("paused"), json.readTree(rs.getString("definition")), Timestamps.read(rs, "created_at"),
            Timestamps.read(rs, "updated_at"), Timestamps.read(rs, "archived_at"));
        this.version = (rs, row) -> new Automation.Version(rs.getInt("version"), rs.getString("status"),
            json.readTree(rs.getString("definition")), Timestamps.read(rs, "created_at"));
    }

    @Transactional
    Automation create(String accountId, JsonNode definition) {
        var earlier = effects.recordedBefore("automation");
        if (earlier.isPresent()) {
            // Created by an earlier attempt of this keyed request, which never got to answer (a crash, a 5xx).
            return get(accountId, earlier.get());
        }
        Definition parsed = check(accountId, definition);
        String id = Ids.newId("aut");
        Instant now = Timestamps.now(clock);
        db.sql("""
            INSERT INTO automations (id, account_id, name, latest_version, created_at, updated_at)
            VALUES (:id, :accountId, :name, 1, :now, :now)
            """)
            .param("id", id)
            .param("accountId", accountId)
            .param("name", parsed.name())
            .param("now", Timestamps.of(now))
            .update();
        insertVersion(accountId, id, 1, secrets.sealed(accountId, definition, null), now);
        effects.recorded("automation", id);
        return get(accountId, id);
    }

    /**
     * Saves a changed definition as a new draft version; the active version, if any, keeps running. A definition the
     * same as the newest version's (a second press of Save, a restore of the newest) is that version still.
     */
    @Transactional
    Automation update(String accountId, String id, JsonNode definition) {
        return save(accountId, id, definition).automation();
    }

    /** What a save left: the automation, and whether it made a new version. */
    record Saved(Automation automation, boolean changed) {}

    @Transactional
    Saved save(String accountId, String id, JsonNode definition) {
        Definition parsed = check(accountId, definition);
        Automation current = lock(accountId, id);
        JsonNode sealed = secrets.sealed(accountId, definition, current.definition());
        if (sealed.equals(NUMBERS_BY_VALUE, current.definition())) {
            return new Saved(current, false);
        }
        int next = current.version() + 1;
        Instant now = Timestamps.now(clock);
        insertVersion(accountId, id, next, sealed, now);
        db.sql("""
            UPDATE automations SET latest_version = :next, name = :name, updated_at = :now
             WHERE account_id = :accountId AND id = :id
            """)
            .param("next", next)
            .param("name", parsed.name())
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
        return new Saved(get(accountId, id), true);
    }

    /**
     * Every check a definition passes before it is kept, without keeping it: what the dashboard's JSON editor asks as
     * its author types. Throws a validation failure listing every problem with its path.
     */
    Definition check(String accountId, JsonNode definition) {
        Definition parsed = parser.parse(definition);
        refuseScopesOfOtherAccounts(accountId, parsed.trigger());
        params.refuseWhatTheAccountLacks(accountId, parsed);
        return parsed;
    }

    /**
     * A scope naming an id this account does not have (another account's checkout, a mistyped id) can never match one
     * of its events. Refused alike whether the id is another account's or nobody's, so that the answer reveals
     * nothing; the parser is pure, so the check is here, one query per scope key.
     */
    private void refuseScopesOfOtherAccounts(String accountId, Definition.Trigger trigger) {
        if (!(trigger instanceof Definition.Trigger.OnEvent onEvent)) {
            return;
        }
        var errors = new FieldErrors();
        onEvent.scope().forEach((key, id) -> {
            ScopeKey kind = ScopeKey.of(key).orElseThrow();
            // The table name comes from the enum, never from the request.
            boolean ours = Ids.isId(id, kind.prefix) && db.sql("SELECT EXISTS (SELECT 1 FROM " + kind.table
                + " WHERE account_id = :accountId AND id = :id)")
                .param("accountId", accountId)
                .param("id", id)
                .query(Boolean.class)
                .single();
            if (!ours) {
                String shown = id.length() > 64 ? id.substring(0, 64) + "…" : id;
                errors.add("trigger.scope." + key, "not_found", shown + " is not " + kind.noun + " of this account");
            }
        });
        errors.throwIfAny();
    }

    @Transactional
    Automation activate(String accountId, String id, Integer wanted) {
        Automation current = lock(accountId, id);
        int target = wanted == null ? current.version() : wanted;
        var chosen = versions(accountId, id).stream().filter(v -> v.version() == target).findFirst()
            .orElseThrow(() -> TillException.invalid("version", "not_found", "this automation has no version "
                + target));
        if (current.activeVersion() != null && current.activeVersion() == chosen.version()) {
            // Active already (a retried request, a PUT that changed nothing): nothing changes, its schedule least of
            // all, which would start again from now and skip the time it was about to fire at.
            return current;
        }
        db.sql("""
            UPDATE automation_versions SET status = 'inactive'
             WHERE account_id = :accountId AND automation_id = :id AND status = 'active'
            """)
            .param("accountId", accountId)
            .param("id", id)
            .update();
        db.sql("""
            UPDATE automation_versions SET status = 'active'
             WHERE account_id = :accountId AND automation_id = :id AND version = :version
            """)
            .param("accountId", accountId)
            .param("id", id)
            .param("version", chosen.version())
            .update();
        Instant now = Timestamps.now(clock);
        db.sql("""
            UPDATE automations SET active_version = :version, updated_at = :now
             WHERE account_id = :accountId AND id = :id
            """)
            .param("version", chosen.version())
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
        // Stored already, and checked when it was saved: read as the runs read it (a rule added since does not
        // keep a seller from rolling back to a version that ran).
        Definition definition = parser.parseSaved(chosen.definition());
        schedules.activated(accountId, id, chosen.version(), definition, now);
        announceAhead(accountId, definition);
        return get(accountId, id);
    }

    /**
     * An upcoming trigger with {@code days_before} needs its announcements that far ahead for the subscriptions, plans
     * and cards already there; those made later get them as they are scheduled.
     */
    private void announceAhead(String accountId, Definition definition) {
        if (definition.trigger() instanceof Definition.Trigger.OnEvent(var event, var scope, Integer days)
            && days != null) {
            EventType.of(event).filter(EventType::isUpcoming).ifPresent(type -> backfill.wanted(accountId, type,
                days));
        }
    }

    @Transactional
    Automation setPaused(String accountId, String id, boolean paused) {
        Automation current = lock(accountId, id);
        if (current.paused() == paused) {
            throw new TillException(ErrorCode.INVALID_STATE, "The automation is already "
                + (paused ? "paused." : "running."));
        }
        Instant now = Timestamps.now(clock);
        db.sql("UPDATE automations SET paused = :paused, updated_at = :now WHERE account_id = :accountId AND id = :id")
            .param("paused", paused)
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
        if (!paused) {
            schedules.resumed(accountId, id, now);
        }
        return get(accountId, id);
    }

    /** Makes an old version's definition the newest draft, to edit or activate again. */
    @Transactional
    Saved restore(String accountId, String id, int versionNumber) {
        var old = versions(accountId, id).stream().filter(v -> v.version() == versionNumber).findFirst()
            .orElseThrow(() -> TillException.notFound("automation version", id + "/" + versionNumber));
        return save(accountId, id, old.definition());
    }

    public Automation get(String accountId, String id) {
        return db.sql("""
            SELECT a.*, v.status, v.definition
              FROM automations a
              JOIN automation_versions v ON v.automation_id = a.id AND v.version = a.latest_version
             WHERE a.account_id = :accountId AND a.id = :id
            """)
            .param("accountId", accountId)
            .param("id", id)
            .query(automation)
            .optional()
            .orElseThrow(() -> TillException.notFound("automation", id));
    }

    Page<Automation> list(String accountId, PageRequest page) {
        return list(accountId, page, false);
    }

    /** One page of the account's automations, newest first: those in use, or with {@code archived} the archived. */
    Page<Automation> list(String accountId, PageRequest page, boolean archived) {
        return page.page(db.sql("""
            SELECT a.*, v.status, v.definition
              FROM automations a
              JOIN automation_versions v ON v.automation_id = a.id AND v.version = a.latest_version
             WHERE a.account_id = :accountId AND (a.archived_at IS NOT NULL) = :archived
               AND (CAST(:afterId AS text) IS NULL OR a.id < :afterId)
             ORDER BY a.id DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("archived", archived)
            .param("afterId", page.afterId())
            .param("limit", page.fetchSize())
            .query(automation)
            .list(), Automation::id);
    }

    List<Automation.Version> versions(String accountId, String id) {
        get(accountId, id);
        return db.sql("""
            SELECT version, status, definition, created_at FROM automation_versions
             WHERE account_id = :accountId AND automation_id = :id
             ORDER BY version DESC
            """)
            .param("accountId", accountId)
            .param("id", id)
            .query(version)
            .list();
    }

    /** One page of an automation's versions, newest first; the cursor is the last version number seen. */
    Page<Automation.Version> versions(String accountId, String id, PageRequest page) {
        get(accountId, id);
        return page.page(db.sql("""
            SELECT version, status, definition, created_at FROM automation_versions
             WHERE account_id = :accountId AND automation_id = :id
               AND (CAST(:after AS integer) IS NULL OR version < CAST(:after AS integer))
             ORDER BY version DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("id", id)
            .param("after", page.afterId())
            .param("limit", page.fetchSize())
            .query(version)
            .list(), v -> String.valueOf(v.version()));
    }

    /** A version to test: the one asked for, else the active one, else the latest. */
    Automation.Version versionToTest(String accountId, String id, Integer wanted) {
        Automation automation = get(accountId, id);
        int number = wanted != null
            ? wanted
            : automation.activeVersion() != null
                ? automation.activeVersion()
                : automation.version();
        return version(accountId, id, number).orElseThrow(() -> TillException.invalid("version", "not_found",
            "this automation has no version " + number));
    }

    /** One version of an automation (of this account), read alone. */
    Optional<Automation.Version> version(String accountId, String id, int number) {
        return db.sql("""
            SELECT version, status, definition, created_at FROM automation_versions
             WHERE account_id = :accountId AND automation_id = :id AND version = :version
            """)
            .param("accountId", accountId)
            .param("id", id)
            .param("version", number)
            .query(version)
            .optional();
    }

    /** Locks an automation to change it; an archived one is history and changes no more. */
    private Automation lock(String accountId, String id) {
        db.sql("SELECT id FROM automations WHERE account_id = :accountId AND id = :id FOR UPDATE")
            .param("accountId", accountId)
            .param("id", id)
            .query(String.class)
            .optional()
            .orElseThrow(() -> TillException.notFound("automation", id));
        Automation current = get(accountId, id);
        if (current.archivedAt() != null) {
            throw new TillException(ErrorCode.INVALID_STATE, "The automation is archived: its history can be read, "
                + "but it cannot change and starts no new runs (runs already under way finish; cancel one on its "
                + "execution page).");
        }
        return current;
    }

    /**
     * Archives an automation (what DELETE does): it starts no new run, its schedule stops, and it leaves the list;
     * it and its executions stay readable by id. Archiving twice answers the archived automation again.
     */
    @Transactional
    Automation archive(String accountId, String id) {
        Automation current = get(accountId, id);
        if (current.archivedAt() != null) {
            return current;
        }
        lock(accountId, id);
        Instant now = Timestamps.now(clock);
        db.sql(
            "UPDATE automations SET archived_at = :now, updated_at = :now WHERE account_id = :accountId AND id = :id")
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
        schedules.archived(accountId, id);
        return get(accountId, id);
    }

    /**
     * Inserts a version; the database keeps the event types it reacts to (automation_event_types, by a trigger of
     * V70), which the events of those types need to reach the matcher (Events#insert).
     */
    private void insertVersion(String accountId, String id, int number, JsonNode definition, Instant now) {
        db.sql("""
            INSERT INTO automation_versions (account_id, automation_id, version, status, definition, created_at)
            VALUES (:accountId, :id, :version, 'draft', CAST(:definition AS jsonb), :now)
            """)
            .param("accountId", accountId)
            .param("id", id)
            .param("version", number)
            .param("definition", json.writeValueAsString(definition))
            .param("now", Timestamps.of(now))
            .update();
    }
}
