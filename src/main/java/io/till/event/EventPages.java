package io.till.event;

import io.till.account.Brandings;
import io.till.shared.Caller;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/**
 * The event log in the dashboard: every event of the account, newest first, filtered by type, customer and day; and
 * each event's JSON with what it set off (the features that react to events say so through {@link EventEffects}).
 */
@Controller
class EventPages {

    private static final int PAGE_SIZE = 25;

    private final Events events;
    private final List<EventEffects> effects;
    private final JsonMapper json;
    private final CustomerLookup customers;
    private final Brandings brandings;

    EventPages(Events events, List<EventEffects> effects, JsonMapper json, CustomerLookup customers,
        Brandings brandings) {
        this.events = events;
        this.effects = effects;
        this.json = json;
        this.customers = customers;
        this.brandings = brandings;
    }

    /** The filters as typed, with a message for each one that could not be read. */
    record Filters(String type, String customer, String from, String to, Map<String, String> errors) {

        public String error(String field) {
            return errors.get(field);
        }

        public boolean any() {
            return !type.isEmpty() || !customer.isEmpty() || !from.isEmpty() || !to.isEmpty();
        }
    }

    @GetMapping("/admin/developers/events")
    String list(Caller.Staff staff, @RequestParam(defaultValue = "") String type,
        @RequestParam(defaultValue = "") String customer, @RequestParam(defaultValue = "") String from,
        @RequestParam(defaultValue = "") String to, @RequestParam(required = false) String cursor, Model model) {
        var errors = new HashMap<String, String>();
        // Days are the store's; "To Nov 30" includes the whole of Nov 30.
        ZoneId zone = brandings.zone(staff.accountId());
        LocalDate first = day(from.strip(), "from", errors);
        LocalDate last = day(to.strip(), "to", errors);
        if (first != null && last != null && last.isBefore(first)) {
            // Said, as the runs' list says it, rather than "No events" for a window that holds no day.
            errors.put("to", "Enter a day on or after the From day.");
        }
        Instant since = first == null ? null : first.atStartOfDay(zone).toInstant();
        Instant until = last == null ? null : last.plusDays(1).atStartOfDay(zone).toInstant();
        String customerId = customerId(staff, customer.strip(), errors);
        var filters = new Filters(type.strip(), customer.strip(), from.strip(), to.strip(), Map.copyOf(errors));
        Page<Event> page = errors.isEmpty()
            ? events.list(staff.accountId(), new Events.Filter(blankToNull(filters.type()), customerId, null, since,
                until), PageRequest.of(PAGE_SIZE, cursor, "evt"))
            : new Page<>(List.of(), false, null);
        model.addAttribute("events", page.data());
        model.addAttribute("customerNames", customerNames(staff, page.data()));
        model.addAttribute("nextCursor", page.hasMore() ? page.nextCursor() : null);
        model.addAttribute("paged", cursor != null && !cursor.isEmpty());
        model.addAttribute("filters", filters);
        model.addAttribute("types", EventType.NAMES);
        return "event/events";
    }

    /** What one kind of effect shows on the event's page. */
    record EffectSection(String heading, String none, List<EventEffects.Effect> effects) {}

    @GetMapping("/admin/developers/events/{id}")
    String event(Caller.Staff staff, @PathVariable String id, Model model) {
        Event event = events.get(staff.accountId(), id);
        model.addAttribute("event", event);
        model.addAttribute("customerNames", customerNames(staff, List.of(event)));
        // Shown as text (escaped by the template): the data came from outside and may hold anything.
        model.addAttribute("json", json.writerWithDefaultPrettyPrinter().writeValueAsString(event));
        model.addAttribute("sections", effects.stream()
            .map(e -> new EffectSection(e.heading(), e.none(), e.of(staff.accountId(), event.id())))
            .toList());
        return "event/event";
    }

    /** The names of the events' customers, by id: staff read "Grace Hopper", not her id. */
    private Map<String, String> customerNames(Caller.Staff staff, List<Event> shown) {
        return customers.names(staff.accountId(), shown.stream()
            .map(Event::customerId)
            .filter(id -> id != null)
            .toList());
    }

    /**
     * The customer typed into the filter: an email (in any case) is looked up, since staff know their customers by it,
     * anything else is taken as an id; blank is no filter.
     */
    private String customerId(Caller.Staff staff, String typed, Map<String, String> errors) {
        if (!typed.contains("@")) {
            if (!typed.isEmpty() && !io.till.shared.Ids.isId(typed, "cus")) {
                // A name, say: it is no id, and the log would only answer "No events" for it.
                errors.put("customer", "Enter the customer's email or id (cus_…).");
                return null;
            }
            return blankToNull(typed);
        }
        var id = customers.idOfEmail(staff.accountId(), typed);
        if (id.isEmpty()) {
            errors.put("customer", "No customer has this email.");
        }
        return id.orElse(null);
    }

    /** A day typed as 2026-11-30; blank is no filter. */
    private static LocalDate day(String value, String field, Map<String, String> errors) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            var day = LocalDate.parse(value);
            if (day.getYear() >= 1 && day.getYear() <= 9999) {
                return day;
            }
        } catch (DateTimeParseException e) {
            // said below
        }
        errors.put(field, "Enter a day as YYYY-MM-DD.");
        return null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
