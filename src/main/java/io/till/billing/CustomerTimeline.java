package io.till.billing;

import io.till.event.Events;
import io.till.shared.Ids;
import io.till.shared.PageRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The customer record's timeline: the customer's events and automation runs merged newest first, a page at a time.
 * Each stream keeps its own keyset cursor (the last id of it shown), so "older" continues both where they stopped.
 */
@Component
class CustomerTimeline {

    /** How many entries a page of the timeline shows. */
    static final int PAGE = 20;

    private final Events events;
    private final CustomerRuns runs;

    CustomerTimeline(Events events, CustomerRuns runs) {
        this.events = events;
        this.runs = runs;
    }

    /** One line: an event ({@code evt_}) or an automation run ({@code exe_}), linking to its page. */
    record Entry(String id, boolean run, String what, String status, Instant at) {
        public String href() {
            return run ? "/admin/executions/" + id : "/admin/developers/events/" + id;
        }
    }

    /**
     * @param olderEvents the cursor of the events stream for the next page (null: from the newest)
     * @param hasOlder whether an older page exists
     */
    record Slice(List<Entry> entries, boolean hasOlder, String olderEvents, String olderRuns) {}

    Slice page(String accountId, String customerId, String eventsBefore, String runsBefore) {
        String fromEvent = Ids.isId(eventsBefore, "evt") ? eventsBefore : null;
        String fromRun = Ids.isId(runsBefore, "exe") ? runsBefore : null;
        var candidates = new ArrayList<Entry>();
        // One more than a page of each: the extra one tells whether older entries follow.
        events.ofCustomer(accountId, customerId, new PageRequest(PAGE + 1, fromEvent))
            .data()
            .forEach(e -> candidates.add(new Entry(e.id(), false, e.type(), null, e.occurredAt())));
        runs.newestFirst(accountId, customerId, fromRun, PAGE)
            .forEach(r -> candidates.add(new Entry(r.id(), true, r.automationName(), r.status(), r.createdAt())));
        candidates.sort(Comparator.comparing(Entry::at).thenComparing(Entry::id).reversed());
        List<Entry> shown = candidates.subList(0, Math.min(PAGE, candidates.size()));
        String olderEvents = shown.stream().filter(e -> !e.run()).reduce((a, b) -> b).map(Entry::id).orElse(fromEvent);
        String olderRuns = shown.stream().filter(Entry::run).reduce((a, b) -> b).map(Entry::id).orElse(fromRun);
        return new Slice(List.copyOf(shown), candidates.size() > PAGE, olderEvents, olderRuns);
    }
}
