package io.till.automation;

import io.till.customer.Customer;
import io.till.customer.Customers;
import io.till.event.Event;
import io.till.event.Events;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.FieldError;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An automation's Test tab (PRODUCT.md §4 "Test"): pick a real customer and one of their real events of the trigger's
 * type, or sample data, and a version; the dry run of the API ({@link DryRuns#test}) answers the would-be log, drawn
 * on the version's flow ({@link TestedFlow}). Nothing is sent and no run is recorded.
 */
@Controller
class AutomationTestPages {

    private static final String PAGE = AutomationPages.LIST + "/{id}/test";
    /** Customers offered at once; typing narrows them. */
    private static final int CUSTOMERS = 8;
    /** A customer's newest events of the trigger's type offered to test on. */
    private static final int EVENTS = 10;
    private static final int MAX_SEARCH = 200;

    private final Automations automations;
    private final StepSecrets secrets;
    private final AutomationPictures pictures;
    private final DefinitionParser parser;
    private final DryRuns dryRuns;
    private final Customers customers;
    private final Events events;
    private final JsonMapper json;
    private final DefinitionText texts;
    private final Backtests backtests;
    private final java.time.Clock clock;

    AutomationTestPages(Automations automations, StepSecrets secrets, AutomationPictures pictures,
        DefinitionParser parser, DryRuns dryRuns, Customers customers, Events events, JsonMapper json,
        DefinitionText texts, Backtests backtests, java.time.Clock clock) {
        this.backtests = backtests;
        this.clock = clock;
        this.automations = automations;
        this.secrets = secrets;
        this.pictures = pictures;
        this.parser = parser;
        this.dryRuns = dryRuns;
        this.customers = customers;
        this.events = events;
        this.json = json;
        this.texts = texts;
    }

    /** A version offered in the picker. */
    record VersionChoice(int number, String label) {}

    /** One of the customer's real events, in words: "$19.00 · Your card was declined." */
    record EventChoice(String id, java.time.Instant occurredAt, String summary) {}

    @GetMapping(PAGE)
    String page(Caller.Staff staff, @PathVariable String id, @RequestParam(required = false) String customer,
        @RequestParam(name = "q", defaultValue = "") String query, @RequestParam(required = false) String version,
        Model model) {
        var form = prepare(staff, id, customer, query, number(version), model);
        model.addAttribute("source", form.events().isEmpty() ? "sample" : form.events().getFirst().id());
        model.addAttribute("data", sample(form));
        return "automation/test";
    }

    /** The windows a backtest offers, in days. */
    static final List<Integer> BACKTEST_DAYS = List.of(7, 30, 90);

    /**
     * The Test tab with a backtest of the version over the account's past events of its trigger's type, in the last
     * {@code days} (7, 30 or 90): which would have started a run, and why the others would not.
     */
    @GetMapping(PAGE + "/backtest")
    String backtest(Caller.Staff staff, @PathVariable String id, @RequestParam(required = false) String version,
        @RequestParam(defaultValue = "30") String days, Model model) {
        var form = prepare(staff, id, null, "", number(version), model);
        model.addAttribute("source", "sample");
        model.addAttribute("data", sample(form));
        int window = BACKTEST_DAYS.stream().filter(d -> d.toString().equals(days)).findFirst().orElse(30);
        model.addAttribute("backtestDays", window);
        if (form.definition() != null && form.definition().trigger() instanceof Definition.Trigger.OnEvent) {
            var result = backtests.run(staff.accountId(), id, form.version(), clock.instant().minus(java.time.Duration
                .ofDays(window)), null, Backtests.DEFAULT_EVENTS);
            model.addAttribute("backtest", result);
            // Who each event was about, by name as staff know them (one query for the page, not one per row).
            model.addAttribute("customerNames", customers.names(staff.accountId(), result.events().stream()
                .map(Backtests.Decision::customerId).filter(java.util.Objects::nonNull)
                .collect(java.util.stream.Collectors.toSet())));
        }
        return "automation/test";
    }

    /** The customer picker's results alone, for htmx as the staff member types. */
    @GetMapping(PAGE + "/customers")
    String customers(Caller.Staff staff, @PathVariable String id,
        @RequestParam(name = "q", defaultValue = "") String query, @RequestParam(required = false) String version,
        HttpServletResponse response, Model model) {
        response.addHeader(HttpHeaders.VARY, "HX-Request");
        automations.get(staff.accountId(), id);
        model.addAttribute("automationId", id);
        model.addAttribute("version", number(version));
        found(staff.accountId(), query, model);
        return "automation/test :: customers";
    }

    @PostMapping(PAGE)
    String run(Caller.Staff staff, @PathVariable String id, @RequestParam(required = false) String customer,
        @RequestParam(required = false) String version, @RequestParam(defaultValue = "sample") String source,
        @RequestParam(defaultValue = "") String data, HttpServletResponse response, Model model) {
        var form = prepare(staff, id, customer, "", number(version), model);
        model.addAttribute("source", source);
        model.addAttribute("data", data);
        if (form.definition() == null) {
            response.setStatus(422);
            return "automation/test";
        }
        try {
            ObjectNode body = json.createObjectNode().put("version", form.version());
            if (source.equals("sample")) {
                JsonNode parsed = texts.read(data.isBlank() ? "{}" : data, "data");
                if (!parsed.isObject()) {
                    throw TillException.invalid("data", "invalid_type", "must be a JSON object: {\"invoice\": {…}}");
                }
                ObjectNode event = body.putObject("event").put("type", form.eventType());
                if (form.customer() != null) {
                    event.put("customer_id", form.customer().id());
                }
                event.set("data", parsed);
            } else {
                body.put("event_id", source);
            }
            var result = dryRuns.test(staff.accountId(), id, form.version(), body);
            model.addAttribute("result", result);
            model.addAttribute("resultStatus", result.status().equals("not_started") ? "skipped" : result.status());
            model.addAttribute("flow", TestedFlow.of(pictures.flow(staff.accountId(), form.chosen().definition()),
                form.definition(), result));
        } catch (TillException e) {
            // The automation itself was found above; what is refused here is what was picked or typed.
            model.addAttribute("testRefused", e.errors().isEmpty()
                ? List.of(new FieldError("data", e.code().name().toLowerCase(), friendly(e)))
                : e.errors());
            response.setStatus(e.code() == ErrorCode.NOT_FOUND ? 404 : 422);
        }
        return "automation/test";
    }

    /** What the form shows: the version tested, the customer picked and their events of the trigger's type. */
    private record Form(int version, Automation.Version chosen, Definition definition, String eventType,
        Customer customer, List<EventChoice> events, List<Event> raw) {}

    private Form prepare(Caller.Staff staff, String id, String customerId, String query, Integer version,
        Model model) {
        String accountId = staff.accountId();
        var automation = AutomationEditorPages.shown(automations, secrets, staff, id, model, "test");
        var offered = new ArrayList<VersionChoice>();
        offered.add(new VersionChoice(automation.version(), "Version " + automation.version() + ", the latest ("
            + automation.status() + ")"));
        if (automation.activeVersion() != null && automation.activeVersion() != automation.version()) {
            offered.add(new VersionChoice(automation.activeVersion(), "Version " + automation.activeVersion()
                + ", the active one"));
        }
        int number = version != null && offered.stream().anyMatch(v -> v.number() == version)
            ? version
            : automation.version();
        var chosen = automations.versionToTest(accountId, id, number);
        Definition definition = null;
        try {
            definition = parser.parseSaved(chosen.definition());
        } catch (TillException e) {
            model.addAttribute("problems", e.errors().isEmpty()
                ? List.of(new FieldError("body", "invalid", e.getMessage()))
                : e.errors());
        }
        String eventType = definition == null ? null : switch (definition.trigger()) {
            case Definition.Trigger.OnEvent onEvent -> onEvent.event();
            case Definition.Trigger.OnSchedule schedule -> "schedule";
            case Definition.Trigger.Manual manual -> "manual";
            case null -> "test";
        };
        Customer customer = customerId == null || customerId.isBlank()
            ? null
            : customers.find(accountId, customerId.strip()).orElse(null);
        if (customerId != null && !customerId.isBlank() && customer == null) {
            model.addAttribute("unknownCustomer", true);
        }
        boolean onEvents = definition != null && definition.trigger() instanceof Definition.Trigger.OnEvent;
        List<Event> raw = customer == null || !onEvents
            ? List.of()
            : events.ofCustomer(accountId, customer.id(), eventType, new PageRequest(EVENTS, null)).data();
        var choices = raw.stream().map(e -> new EventChoice(e.id(), e.occurredAt(), summary(e.data()))).toList();
        model.addAttribute("versions", offered);
        model.addAttribute("version", number);
        model.addAttribute("eventType", eventType);
        model.addAttribute("onEvents", onEvents);
        model.addAttribute("backtestWindows", BACKTEST_DAYS);
        model.addAttribute("customer", customer);
        model.addAttribute("events", choices);
        model.addAttribute("query", query.strip());
        model.addAttribute("automationId", id);
        found(accountId, query, model);
        return new Form(number, chosen, definition, eventType, customer, choices, raw);
    }

    private void found(String accountId, String query, Model model) {
        String needle = query.strip();
        if (needle.length() > MAX_SEARCH) {
            needle = needle.substring(0, MAX_SEARCH);
        }
        var found = customers.list(accountId, needle.isEmpty() ? null : needle, new PageRequest(CUSTOMERS, null));
        model.addAttribute("query", needle);
        model.addAttribute("found", found.data());
    }

    /**
     * The sample the data box starts with: the picked customer's newest real event of the trigger's type, else a
     * made-up one of that type ({@link SampleEvents}) with their record as the event would carry it, else an empty
     * object to fill in (a custom event's data is the sender's own).
     */
    private String sample(Form form) {
        if (!form.raw().isEmpty()) {
            return form.raw().getFirst().data().toPrettyString();
        }
        // A made-up event of the trigger's type, so that the test takes the path a typical one would.
        var data = SampleEvents.data(form.eventType() == null ? "" : form.eventType(), clock.instant());
        if (form.definition() != null && form.definition().trigger() instanceof Definition.Trigger.OnEvent on
            && on.scope() != null) {
            // Made up for a scoped trigger, it is about what the trigger is scoped to: else the test could only say
            // "would not start" of a sample the seller did not write.
            on.scope().forEach((key, id) -> ScopeKey.of(key).ifPresent(scope -> scope.places(on.event()).stream()
                .filter(place -> place.via() == ScopeKey.Via.ID).findFirst()
                .ifPresent(place -> put(data, place.path(), id))));
        }
        if (form.customer() != null) {
            data.set("customer", json.valueToTree(form.customer()));
        }
        return data.isEmpty() ? "{\n}" : data.toPrettyString();
    }

    /** Sets {@code value} at a dotted {@code path} of {@code data} ("product.id"), making the objects on the way. */
    private static void put(ObjectNode data, String path, String value) {
        String[] parts = path.split("\\.");
        ObjectNode at = data;
        for (int i = 0; i < parts.length - 1; i++) {
            at = at.get(parts[i]) instanceof ObjectNode object ? object : at.putObject(parts[i]);
        }
        at.put(parts[parts.length - 1], value);
    }

    /** An event's money and reason in a few words, from the objects it carries. */
    private static String summary(JsonNode data) {
        var parts = new ArrayList<String>();
        JsonNode payment = data.path("payment");
        JsonNode invoice = data.path("invoice");
        JsonNode money = payment.has("amount") ? payment : invoice;
        String amountField = money == payment ? "amount" : "amount_due";
        if (money.path(amountField).isNumber() && money.path("currency").isString()) {
            parts.add(Amounts.format(money.path(amountField).asLong(), money.path("currency").asString()));
        }
        if (payment.path("failure_message").isString()) {
            parts.add(payment.path("failure_message").asString());
        }
        if (invoice.path("id").isString()) {
            parts.add("invoice " + invoice.path("id").asString());
        } else if (data.path("subscription").path("id").isString()) {
            parts.add("subscription " + data.path("subscription").path("id").asString());
        } else if (data.path("order").path("id").isString()) {
            parts.add("order " + data.path("order").path("id").asString());
        }
        return String.join(" · ", parts);
    }

    /** The version asked for; anything else than a version number asks for the default, the latest. */
    private static Integer number(String version) {
        return version != null && version.strip().matches("[1-9][0-9]{0,8}") ? Integer.valueOf(version.strip()) : null;
    }

    private static String friendly(TillException e) {
        return e.code() == ErrorCode.NOT_FOUND
            ? "That event or customer is not in this account any more: pick another one."
            : e.getMessage();
    }
}
