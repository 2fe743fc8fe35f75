package io.till.automation;

import io.till.account.Brandings;
import io.till.customer.Customer;
import io.till.customer.Customers;
import io.till.event.EventWords;
import io.till.event.Events;
import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.FieldErrors;
import io.till.shared.Ids;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.JsonNode;

/**
 * Executions in the dashboard: the list with its filters, a run's timeline with retry and cancel (the services of
 * {@code /api/v1/executions}), and for an event which automations it started and why the others did not.
 */
@Controller
class ExecutionPages {

    private static final String LIST = "/admin/executions";
    private static final List<String> STATUSES = List.of("pending", "running", "waiting", "succeeded", "failed",
        "canceled");
    private static final Set<String> UNFINISHED = Set.of("pending", "running", "waiting");
    private static final int ROWS = 50;
    /** How many lines of a run's log its page shows at once, the newest first loaded; earlier ones on demand. */
    static final int LINES = 200;

    private final Executions executions;
    private final Events events;
    private final Automations automations;
    private final EventRuns eventRuns;
    private final Customers customers;
    private final Brandings brandings;
    private final AutomationPictures pictures;
    private final EventStarts eventStarts;
    private final io.till.billing.Invoices invoices;
    private final Clock clock;

    ExecutionPages(Executions executions, Automations automations, EventRuns eventRuns, Customers customers,
        Events events, Brandings brandings, AutomationPictures pictures, EventStarts eventStarts,
        io.till.billing.Invoices invoices, Clock clock) {
        this.invoices = invoices;
        this.brandings = brandings;
        this.pictures = pictures;
        this.eventStarts = eventStarts;
        this.events = events;
        this.executions = executions;
        this.automations = automations;
        this.eventRuns = eventRuns;
        this.customers = customers;
        this.clock = clock;
    }

    /**
     * A run as one row of the list.
     *
     * @param endedBy the event that stopped a canceled run ("Invoice paid"), null for any other run
     */
    record Row(String id, String automationId, String automation, String status, String endedBy,
        String customerId, String customer, String trigger, Instant createdAt, Instant finishedAt) {}

    @GetMapping(LIST)
    String list(Caller.Staff staff, @RequestParam(name = "automation", required = false) String automationId,
        @RequestParam(required = false) String status,
        @RequestParam(name = "customer", required = false) String customerId,
        @RequestParam(required = false) String from, @RequestParam(required = false) String to,
        @RequestParam(required = false) String cursor, Model model) {
        String accountId = staff.accountId();
        var errors = new FieldErrors();
        var page = PageRequest.of(ROWS, cursor, "exe", errors);
        String wanted = blankToNull(status);
        if (wanted != null && !STATUSES.contains(wanted)) {
            errors.add("status", "invalid_value", "choose one of the statuses listed");
        }
        // An email (staff know their customers by it) is looked up; anything else is taken as an id.
        String customer = blankToNull(customerId) == null ? null : customerId.strip();
        if (customer != null && customer.contains("@")) {
            customer = customers.findByEmail(accountId, customer).map(Customer::id).orElse(null);
            if (customer == null) {
                errors.add("customer", "not_found", "email matches no customer");
            }
        } else if (customer != null && !Ids.isId(customer, "cus")) {
            // A name, say: it is no id, and the list would only answer that no run matches.
            errors.add("customer", "invalid_format", "enter the customer's email or id (cus_…)");
            customer = null;
        }
        // Both days are inclusive and the store's: from=D&to=D is the whole of day D where the store is, as the
        // reports' per-day links ask.
        ZoneId zone = brandings.zone(accountId);
        LocalDate first = day(from, "from", errors);
        LocalDate last = day(to, "to", errors);
        if (first != null && last != null && last.isBefore(first)) {
            errors.add("to", "out_of_range", "must be on or after the first day");
        }
        Instant start = first == null ? null : first.atStartOfDay(zone).toInstant();
        Instant end = last == null ? null : last.plusDays(1).atStartOfDay(zone).toInstant();
        var names = AutomationNames.of(automations, accountId).including(automationId);
        model.addAttribute("automations", names);
        model.addAttribute("statuses", STATUSES);
        model.addAttribute("filters", Map.of("automation", orEmpty(automationId), "status", orEmpty(wanted),
            "customer", orEmpty(customerId), "from", orEmpty(from), "to", orEmpty(to)));
        model.addAttribute("filtered", wanted != null || blankToNull(automationId) != null
            || blankToNull(customerId) != null || start != null || end != null);
        try {
            errors.throwIfAny();
        } catch (TillException refused) {
            // Told beside the filters, which keep what was typed, rather than on an error page.
            var byField = new LinkedHashMap<String, String>();
            refused.errors().forEach(e -> byField.putIfAbsent(e.field(), e.message()));
            model.addAttribute("errors", byField);
            model.addAttribute("rows", List.of());
            model.addAttribute("next", null);
            return "automation/executions";
        }
        model.addAttribute("errors", Map.of());
        var people = new java.util.HashMap<String, String>();
        var stoppers = new StoppingEvents(events, accountId);
        var found = executions.list(accountId, new Executions.Filter(blankToNull(automationId), wanted,
            customer, start, end), page);
        model.addAttribute("rows", found.data().stream()
            .map(e -> new Row(e.id(), e.automationId(), names.get(e.automationId()), e.status(),
                stoppers.of(e),
                e.customerId(),
                e.customerId() == null ? null : people.computeIfAbsent(e.customerId(), c -> nameOf(accountId, c)),
                triggerWords(e.trigger()), e.createdAt(), e.finishedAt()))
            .toList());
        model.addAttribute("next", found.hasMore() ? found.nextCursor() : null);
        return "automation/executions";
    }

    @GetMapping(LIST + "/{id}")
    String run(Caller.Staff staff, @PathVariable String id, Model model) {
        String accountId = staff.accountId();
        Execution run = executions.read(accountId, id);
        model.addAttribute("run", run);
        model.addAttribute("automation", automations.get(accountId, run.automationId()));
        model.addAttribute("trigger", triggerWords(run.trigger()));
        String customer = run.customerId() == null ? null : nameOf(accountId, run.customerId());
        model.addAttribute("customer", customer);
        model.addAttribute("eventId", run.trigger().path("id").asString(null));
        model.addAttribute("error", StepErrors.of(run.error()));
        model.addAttribute("invoice", invoiceNow(accountId, run.trigger()));
        model.addAttribute("canceledBy", run.canceledByEvent() == null
            ? null
            : cancelingEvent(accountId, run
                .canceledByEvent()));
        var tail = executions.tail(accountId, id, null, LINES);
        var titles = titles(accountId, run.automationId(), run.version());
        model.addAttribute("steps", Timeline.naming(Timeline.of(tail.lines(), null, run.status(), titles), run
            .customerId(), customer));
        model.addAttribute("earlier", earlier(tail));
        model.addAttribute("waitingFor", run.status().equals("waiting")
            ? Timeline.waitingFor(tail.lines(), titles)
            : null);
        model.addAttribute("canRetry", run.status().equals("failed"));
        model.addAttribute("canCancel", UNFINISHED.contains(run.status()));
        return "automation/execution";
    }

    /** The lines before line {@code before} of a run's log, for its page's "show earlier steps". */
    @GetMapping(LIST + "/{id}/steps")
    String earlierSteps(Caller.Staff staff, @PathVariable String id, @RequestParam String before, Model model) {
        if (!Executions.isLineNumber(before)) {
            throw new TillException(ErrorCode.VALIDATION_FAILED, "before must be a line number of this run's log.");
        }
        Execution run = executions.get(staff.accountId(), id);
        var tail = executions.tail(staff.accountId(), id, Integer.parseInt(before), LINES);
        model.addAttribute("run", Map.of("id", id));
        model.addAttribute("steps", Timeline.of(tail.lines(), tail.following(), null, titles(staff.accountId(), run
            .automationId(), run.version())));
        model.addAttribute("earlier", earlier(tail));
        return "automation/execution :: lines";
    }

    /** The event that ended a run, in words with its type: "Invoice paid (invoice.paid)". */
    private String cancelingEvent(String accountId, String eventId) {
        try {
            String type = events.get(accountId, eventId).type();
            String words = EventWords.of(type);
            return words.equals(type) ? type : words + " (" + type + ")";
        } catch (TillException gone) {
            return "An event";
        }
    }

    /**
     * What each step of the version does, by step id, as the automation's page draws it: "Send email", "Wait 3 days",
     * "If Invoice · Status is “issued” (open)".
     */
    private Map<String, String> titles(String accountId, String automationId, int version) {
        var titles = new java.util.HashMap<String, String>();
        automations.version(accountId, automationId, version)
            .ifPresent(read -> collect(pictures.flow(accountId, read.definition()), titles));
        return titles;
    }

    private static void collect(List<StepFlow.Chip> chips, Map<String, String> titles) {
        for (var chip : chips) {
            if (chip.id() != null) {
                titles.put(chip.id(), chip.title());
            }
            chip.lanes().forEach(lane -> collect(lane.steps(), titles));
        }
    }

    /**
     * The invoice a run is about, as it stands now: whether a dunning run's "succeeded" recovered the money.
     *
     * @param standing "still unpaid", "paid on Dec 20, 2026", "void", "uncollectible"
     */
    record InvoiceNow(String id, String amount, String standing, Instant paidAt, boolean open) {}

    private InvoiceNow invoiceNow(String accountId, JsonNode trigger) {
        String id = trigger == null ? null : trigger.path("data").path("invoice").path("id").asString(null);
        if (id == null) {
            return null;
        }
        try {
            var invoice = invoices.get(accountId, id);
            boolean open = invoice.status().equals("issued");
            return new InvoiceNow(id, io.till.shared.Amounts.format(invoice.amountDue(), invoice.currency()), open
                ? "still unpaid"
                : invoice.status().equals("paid") ? "paid" : invoice.status(), invoice.paidAt(), open);
        } catch (TillException gone) {
            return null;
        }
    }

    /** The first line shown, when earlier lines are left to show. */
    private static Integer earlier(Executions.Tail tail) {
        return tail.earlier() ? tail.lines().getFirst().seq() : null;
    }

    @PostMapping(LIST + "/{id}/retry")
    String retry(Caller.Staff staff, @PathVariable String id, RedirectAttributes redirect) {
        return change(id, redirect, "Retrying from the failed step. The run goes on in a moment.",
            () -> executions.retry(staff.accountId(), id, Timestamps.now(clock)));
    }

    @PostMapping(LIST + "/{id}/cancel")
    String cancel(Caller.Staff staff, @PathVariable String id, RedirectAttributes redirect) {
        return change(id, redirect, "Run canceled. It takes no further step.",
            () -> executions.cancel(staff.accountId(), id, Timestamps.now(clock)));
    }

    @GetMapping(LIST + "/for-event/{eventId}")
    String forEvent(Caller.Staff staff, @PathVariable String eventId, Model model) {
        var explained = eventRuns.explain(staff.accountId(), eventId);
        model.addAttribute("event", explained.event());
        model.addAttribute("customer", explained.event().customerId() == null
            ? null
            : nameOf(staff.accountId(), explained.event().customerId()));
        model.addAttribute("started", explained.started());
        model.addAttribute("others", explained.others());
        return "automation/event_runs";
    }

    /**
     * Starts an automation's run for an event that came before it listened; refused (with why, on the event's page)
     * where the matcher would refuse it. A second click finds the run the first one started.
     */
    @PostMapping(LIST + "/for-event/{eventId}/start")
    String startForEvent(Caller.Staff staff, @PathVariable String eventId, @RequestParam String automation,
        RedirectAttributes redirect) {
        try {
            Execution run = eventStarts.start(staff.accountId(), automation, eventId).run();
            redirect.addFlashAttribute("flash", "Started for this event. Its steps run as for any run.");
            return "redirect:" + LIST + "/" + run.id();
        } catch (TillException e) {
            if (e.code() != ErrorCode.INVALID_STATE) {
                throw e;
            }
            redirect.addFlashAttribute("refused", e.getMessage());
            return "redirect:" + LIST + "/for-event/" + eventId;
        }
    }

    /** A refused change (the run ended meanwhile) comes back to the run's page with the reason; nothing changed. */
    private String change(String id, RedirectAttributes redirect, String done, Supplier<Execution> action) {
        try {
            action.get();
            redirect.addFlashAttribute("flash", done);
        } catch (TillException e) {
            if (e.code() != ErrorCode.INVALID_STATE) {
                throw e;
            }
            redirect.addFlashAttribute("refused", e.getMessage());
        }
        return "redirect:" + LIST + "/" + id;
    }

    /** A customer's name for a run's row; a customer removed since shows as such. */
    private String nameOf(String accountId, String customerId) {
        return customers.find(accountId, customerId).map(Customer::name).orElse("Removed customer");
    }

    /** How a run began, in words: "Payment failed (payment.failed)", "Run by hand", "On schedule". */
    static String triggerWords(JsonNode trigger) {
        String type = trigger == null ? "" : trigger.path("type").asString("");
        return switch (type) {
            case "manual" -> "Run by hand";
            case "schedule" -> "On schedule";
            case "" -> "Unknown";
            // A custom event has no words of its own: its type is what its sender named it.
            default -> EventWords.of(type).equals(type) ? type : EventWords.of(type) + " (" + type + ")";
        };
    }

    private static LocalDate day(String text, String field, FieldErrors errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            var day = LocalDate.parse(text.strip());
            if (day.getYear() >= 1 && day.getYear() <= 9999) {
                return day;
            }
        } catch (DateTimeParseException e) {
            // said below
        }
        errors.add(field, "invalid_format", "must be a date such as 2026-11-30");
        return null;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
