package io.till.automation;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.TimeRange;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1")
@Tag(name = "Automations")
class AutomationController {

    private final Automations automations;
    private final DirectStarts starts;
    private final DryRuns dryRuns;
    private final Backtests backtests;
    private final java.time.Clock clock;
    /** Every definition leaves with its secret params masked. */
    private final StepSecrets secrets;
    private final EventStarts eventStarts;

    AutomationController(Automations automations, DirectStarts starts, DryRuns dryRuns, StepSecrets secrets,
        Backtests backtests, EventStarts eventStarts, java.time.Clock clock) {
        this.eventStarts = eventStarts;
        this.backtests = backtests;
        this.clock = clock;
        this.secrets = secrets;
        this.automations = automations;
        this.starts = starts;
        this.dryRuns = dryRuns;
    }

    /**
     * A definition, for the API document: what {@link DefinitionParser} reads (PRODUCT.md §4), which checks it in full.
     * Its parts are described in words; their every form is the parser's to name.
     */
    @Schema(name = "AutomationDefinition", description = "An automation as its author writes it, or as GET "
        + "/api/v1/automations/{id}/export answers it")
    record DefinitionInput(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 200, example = "Payment Dunning") String name,
        @Schema(description = "What it is for, in words (each template carries one)") String description,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, types = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE, description = "What starts a run: {\"type\": \"event\", "
            + "\"event\": \"payment.failed\"} (with an optional scope), {\"type\": \"schedule\", …} (every, cron or "
            + "calendar) or {\"type\": \"manual\"}") Object trigger,
        @Schema(types = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE, description = "What must hold for a run to start: {\"all\": […]} or {\"any\": […]} of conditions on "
            + "the context") Object conditions,
        @ArraySchema(arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "At least one "
            + "step, each with an id and a type: action, branch, delay, wait_for_event, loop or stop"), minItems = 1, schema = @Schema(types = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE)) List<Object> steps,
        @ArraySchema(arraySchema = @Schema(description = "Events that end the runs that have not ended"), schema = @Schema(types = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE)) List<Object> cancelOn,
        @Schema(types = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE, description = "At most runs runs per customer within per: {\"runs\": 1, \"per\": \"P30D\"}") Object limit,
        @Schema(description = "One run at a time per customer, or per the record named") String concurrency) {}

    /** A template reference, for the API document: a new automation from a template, as it is. */
    @Schema(name = "AutomationTemplateReference", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
    record TemplateReference(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "A template's key, "
        + "as GET /api/v1/automation_templates lists them; no other field goes beside it (change the automation with "
        + "PUT once it is made)", example = "payment_dunning") String template) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping("/automations")
    @Operation(summary = "Create an automation", description = "From a definition (trigger, conditions, steps), or "
        + "from a template: {\"template\": \"payment_dunning\"}, with no other field. Checked in full: every bad path "
        + "is listed. The first version is a draft. Also imports an exported definition.")
    ResponseEntity<Automation> create(Caller caller,
        @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(schema = @Schema(oneOf = {
                DefinitionInput.class, TemplateReference.class}))) @RequestBody JsonNode body) {
        JsonNode definition = body;
        if (body != null && body.isObject() && body.has("template")) {
            definition = fromTemplate(body);
        }
        var automation = automations.create(caller.accountId(), definition);
        return ResponseEntity.created(URI.create("/api/v1/automations/" + automation.id())).body(secrets.masked(
            caller.accountId(), automation));
    }

    /**
     * The definition of the template {@code body} names. A field beside {@code template} is refused: read as a
     * definition, the body was checked for a trigger and steps it never meant to give, and the template went unused.
     */
    private static JsonNode fromTemplate(JsonNode body) {
        var errors = new FieldErrors();
        body.propertyNames().stream().filter(field -> !field.equals("template")).forEach(field -> errors.add(field,
            "not_allowed", "goes with a definition, not beside template: create from the template, then change it "
                + "with PUT"));
        if (!body.get("template").isString()) {
            errors.add("template", "invalid_type", "must be a template's key, such as payment_dunning");
        }
        errors.throwIfAny();
        return AutomationTemplates.named(body.get("template").asString(), "template").definition();
    }

    @GetMapping("/automations")
    @Operation(summary = "List automations")
    Page<Automation> list(Caller caller, @RequestParam(required = false) Integer limit,
        @RequestParam(required = false) String cursor) {
        var page = automations.list(caller.accountId(), PageRequest.of(limit, cursor, "aut"));
        return new Page<>(page.data().stream().map(a -> secrets.masked(caller.accountId(), a)).toList(), page
            .hasMore(), page.nextCursor());
    }

    @GetMapping("/automations/{id}")
    @Operation(summary = "Read an automation (its definition is also its export)")
    Automation get(Caller caller, @PathVariable String id) {
        return secrets.masked(caller.accountId(), automations.get(caller.accountId(), id));
    }

    @PutMapping("/automations/{id}")
    @Operation(summary = "Save a new version", description = "The new version is a draft; the active one keeps "
        + "running until another is activated.")
    Automation update(Caller caller, @PathVariable String id,
        @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(schema = @Schema(implementation = DefinitionInput.class))) @RequestBody JsonNode definition) {
        return secrets.masked(caller.accountId(), automations.update(caller.accountId(), id, definition));
    }

    record Activate(Integer version) {}

    @PostMapping("/automations/{id}/activate")
    @Operation(summary = "Activate a version", description = "The latest unless version is given; the version active "
        + "before becomes inactive.")
    Automation activate(Caller caller, @PathVariable String id, @RequestBody(required = false) Activate body) {
        return secrets.masked(caller.accountId(),
            automations.activate(caller.accountId(), id, body == null ? null : body.version()));
    }

    @PostMapping("/automations/{id}/pause")
    @Operation(summary = "Pause an automation: it starts no new run")
    Automation pause(Caller caller, @PathVariable String id) {
        return secrets.masked(caller.accountId(), automations.setPaused(caller.accountId(), id, true));
    }

    @PostMapping("/automations/{id}/resume")
    @Operation(summary = "Resume a paused automation")
    Automation resume(Caller caller, @PathVariable String id) {
        return secrets.masked(caller.accountId(), automations.setPaused(caller.accountId(), id, false));
    }

    @GetMapping("/automations/{id}/versions")
    @Operation(summary = "List an automation's versions", description = "Newest first, paged like every list "
        + "(limit, cursor).")
    Page<Automation.Version> versions(Caller caller, @PathVariable String id,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        var errors = new FieldErrors();
        var page = PageRequest.of(limit, cursor, key -> key.matches("[1-9][0-9]{0,8}"), errors);
        errors.throwIfAny();
        var versions = automations.versions(caller.accountId(), id, page);
        return new Page<>(versions.data().stream().map(v -> secrets.masked(caller.accountId(), v)).toList(),
            versions.hasMore(), versions.nextCursor());
    }

    @DeleteMapping("/automations/{id}")
    @Operation(summary = "Archive an automation", description = "It starts no new run and leaves the list; it and "
        + "its executions stay readable by id.")
    Automation archive(Caller caller, @PathVariable String id) {
        return secrets.masked(caller.accountId(), automations.archive(caller.accountId(), id));
    }

    @PostMapping("/automations/{id}/versions/{version}/restore")
    @Operation(summary = "Restore an old version", description = "Its definition becomes the newest draft.")
    Automation restore(Caller caller, @PathVariable String id, @PathVariable int version) {
        return secrets.masked(caller.accountId(), automations.restore(caller.accountId(), id, version).automation());
    }

    @GetMapping("/automations/{id}/export")
    @Operation(summary = "Export a version's definition", description = "The bare JSON definition (the latest version "
        + "unless ?version=), ready to POST to /api/v1/automations in this or another Till.")
    ResponseEntity<JsonNode> export(Caller caller, @PathVariable String id,
        @RequestParam(required = false) Integer version) {
        var chosen = version == null
            ? automations.versions(caller.accountId(), id).getFirst()
            : automations.versionToTest(caller.accountId(), id, version);
        return ResponseEntity.ok()
            .header("Content-Disposition", "attachment; filename=\"" + id + "-v" + chosen.version() + ".json\"")
            .body(secrets.masked(caller.accountId(), chosen.definition()));
    }

    record Run(String customerId, JsonNode data,
        @Schema(description = "Start it for this past event instead (one that came before it was activated, changed "
            + "or resumed), as the matcher would have: its trigger, scope, conditions and limits apply, and an event "
            + "starts an automation at most once (200 answers the run it had). Leave out customer_id and data.", example = "evt_01jdq5yq3m6b8w0c4s2e7r9t1v") String eventId) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "200", description = "With an event_id it had started already: the run it started", useReturnTypeSchema = true)
    @PostMapping("/automations/{id}/run")
    @Operation(summary = "Run the active version by hand", description = "Optionally for a customer and with data "
        + "(the trigger's data), or for a past event (event_id). The conditions still apply, and for a customer its limit "
        + "and concurrency (409 with the reason when they hold it back). Answers the new execution.")
    ResponseEntity<Execution> run(Caller caller, @PathVariable String id, @RequestBody(required = false) Run body) {
        if (body != null && body.eventId() != null) {
            if (body.customerId() != null || (body.data() != null && !body.data().isNull())) {
                throw TillException.invalid("event_id", "invalid_combination", "starts a run for that event, whose "
                    + "customer and data it carries: leave out customer_id and data");
            }
            var started = eventStarts.start(caller.accountId(), id, body.eventId());
            return started.now()
                ? ResponseEntity.created(URI.create("/api/v1/executions/" + started.run().id())).body(started.run())
                : ResponseEntity.ok(started.run());
        }
        if (body != null && body.data() != null && !body.data().isNull() && !body.data().isObject()) {
            throw TillException.invalid("data", "invalid_type", "must be an object");
        }
        var execution = starts.runManually(caller.accountId(), id, body == null ? null : body.customerId(),
            body == null ? null : body.data());
        return ResponseEntity.created(URI.create("/api/v1/executions/" + execution.id())).body(execution);
    }

    @PostMapping("/automations/{id}/test")
    @Operation(summary = "Dry-run a version", description = "Body: {\"version\"?, \"event\": {type, customer_id?, "
        + "data?}} or {\"event_id\"}. Conditions are evaluated and templates rendered against real records; actions "
        + "are previewed, not performed; delays are skipped. Answers the would-be log.")
    DryRuns.Result test(Caller caller, @PathVariable String id, @RequestBody(required = false) JsonNode body) {
        checkTestBody(body);
        JsonNode asked = body == null ? null : body.get("version");
        if (asked != null && !asked.isNull() && !(asked.isIntegralNumber() && asked.canConvertToInt())) {
            throw TillException.invalid("version", "invalid_type", "must be a version number");
        }
        Integer version = asked == null || asked.isNull() ? null : asked.intValue();
        return dryRuns.test(caller.accountId(), id, version, body);
    }

    private static final java.util.Set<String> TEST_FIELDS = java.util.Set.of("version", "event", "event_id");
    private static final java.util.Set<String> SAMPLE_EVENT_FIELDS = java.util.Set.of("type", "customer_id", "data");

    /**
     * What a dry run is asked refused as every other body is: a field it does not read (a typo would test the active
     * version, or no customer, without a word), a sample event and an event_id at once (the sample was dropped), a
     * sample event without its type (it became "test").
     */
    private static void checkTestBody(JsonNode body) {
        if (body == null || body.isNull()) {
            return;
        }
        var errors = new io.till.shared.FieldErrors();
        if (!body.isObject()) {
            errors.add("body", "invalid_type", "must be a JSON object: {\"version\"?, \"event\"} or {\"event_id\"}");
            errors.throwIfAny();
        }
        body.propertyNames().stream().filter(name -> !TEST_FIELDS.contains(name))
            .forEach(name -> errors.add(name, "unknown_field", "is not a field of this request (version, event, "
                + "event_id)"));
        JsonNode event = body.get("event");
        if (body.hasNonNull("event_id") && !body.get("event_id").isString()) {
            errors.add("event_id", "invalid_type", "must be the id of an event of this account, such as evt_…");
        } else if (event != null && !event.isNull() && body.hasNonNull("event_id")) {
            errors.add("event_id", "invalid_combination", "tests that event, whose type, customer and data it "
                + "carries: leave out event");
        } else if (event != null && event.isObject()) {
            event.propertyNames().stream().filter(name -> !SAMPLE_EVENT_FIELDS.contains(name))
                .forEach(name -> errors.add("event." + name, "unknown_field", "is not a field of a sample event "
                    + "(type, customer_id, data)"));
            JsonNode type = event.get("type");
            if (type == null || type.isNull() || (type.isString() && type.asString().isBlank())) {
                errors.add("event.type", "required", "is required: the type of event to test, such as "
                    + "payment.failed");
            } else if (!type.isString()) {
                errors.add("event.type", "invalid_type", "must be an event type, such as payment.failed");
            }
        }
        errors.throwIfAny();
    }

    @GetMapping("/automations/{id}/backtest")
    @Operation(summary = "Backtest a version over past events", description = "Decides a version (a draft too; the "
        + "active one, else the latest, unless version is given) over the account's past events of its trigger's type, "
        + "newest first: which would have started a run, and why each other one would not (type, scope, days_before, "
        + "conditions on the records as they are now, the limit per customer over the window). Nothing is run or sent; "
        + "concurrency is not replayed. "
        + "created_from (inclusive, default 30 days ago) and created_to (exclusive, default now), each a moment or a "
        + "day; limit 1 to 500 events, default 100.")
    Backtests.Result backtest(Caller caller, @PathVariable String id, @RequestParam(required = false) Integer version,
        @RequestParam(name = "created_from", required = false) String createdFrom,
        @RequestParam(name = "created_to", required = false) String createdTo,
        @RequestParam(required = false) Integer limit) {
        var errors = new FieldErrors();
        var window = TimeRange.of(createdFrom, createdTo, errors);
        if (limit != null && (limit < 1 || limit > Backtests.MAX_EVENTS)) {
            errors.add("limit", "out_of_range", "must be between 1 and " + Backtests.MAX_EVENTS);
        }
        errors.throwIfAny();
        // Without created_to the window runs to now, whatever the clock reads as the request ends.
        java.time.Instant from = window.from() != null
            ? window.from()
            : (window.to() != null ? window.to() : clock.instant()).minus(java.time.Duration.ofDays(30));
        if (window.to() != null && !window.to().isAfter(from)) {
            throw TillException.invalid("created_to", "out_of_range", "must be after created_from");
        }
        return backtests.run(caller.accountId(), id, version, from, window.to(), limit == null
            ? Backtests.DEFAULT_EVENTS
            : limit);
    }

    @GetMapping("/automation_templates")
    @Operation(summary = "The pre-built automations to start from", description = "All of them, in one page, as "
        + "every list answers.")
    Page<AutomationTemplates.Template> templates() {
        return new Page<>(AutomationTemplates.all(), false, null);
    }
}
