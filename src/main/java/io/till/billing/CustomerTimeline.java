package io.till.billing;

import io.till.event.EventWords;
import io.till.event.Events;
import io.till.shared.Ids;
import io.till.shared.PageRequest;
import java.time.Instant;
import java.util.ArrayList;
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

    /**
     * One line: an event ({@code evt_}) or an automation run ({@code exe_}), linking to its page. {@code what} is the
     * event in words or the automation's name, {@code about} what the event was about (null for a run, or when its
     * data tells nothing), {@code type} the event's type (null for a run).
     */
    record Entry(String id, boolean run, String what, String about, String type, String status, String endedBy,
        Instant at) {
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
        // One more than a page of each: the extra one tells whether older entries follow.
        List<Entry> eventEntries = events.ofCustomer(accountId, customerId, new PageRequest(PAGE + 1, fromEvent))
            .data()
            .stream()
            .map(e -> new Entry(e.id(), false, EventWords.of(e.type()), EventWords.about(e.type(), e.data()), e
                .type(), null, null, e.occurredAt()))
            .toList();
        List<Entry> runEntries = runs.newestFirst(accountId, customerId, fromRun, PAGE)
            .stream()
            .map(r -> new Entry(r.id(), true, r.automationName(), null, null, r.status(), r.endedBy(), r
                .createdAt()))
            .toList();
        List<Entry> merged = merge(eventEntries, runEntries);
        List<Entry> shown = merged.subList(0, Math.min(PAGE, merged.size()));
        String olderEvents = shown.stream().filter(e -> !e.run()).reduce((a, b) -> b).map(Entry::id).orElse(fromEvent);
        String olderRuns = shown.stream().filter(Entry::run).reduce((a, b) -> b).map(Entry::id).orElse(fromRun);
        return new Slice(List.copyOf(shown), merged.size() > PAGE, olderEvents, olderRuns);
    }

    /**
     * Merges two streams, each newest first by id, by time. Each stream keeps its own order, so what a page shows of
     * a stream is always a prefix of it and its cursor (the last id shown) continues exactly there, even where two
     * entries of one millisecond have ids in another order than their times.
     */
    private static List<Entry> merge(List<Entry> a, List<Entry> b) {
        var merged = new ArrayList<Entry>(a.size() + b.size());
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (j == b.size() || (i < a.size() && newer(a.get(i), b.get(j)))) {
                merged.add(a.get(i++));
            } else {
                merged.add(b.get(j++));
            }
        }
        return merged;
    }

    /**
     * Whether {@code a} comes before {@code b}, newest first. Entries of one time (the sandbox clock stands still
     * between advances, so an event and the run it started share one) go in the order they were made, which their
     * ids keep whatever the clock says: the run after its event.
     */
    private static boolean newer(Entry a, Entry b) {
        int byTime = a.at().compareTo(b.at());
        if (byTime != 0) {
            return byTime > 0;
        }
        return Ids.made(a.id()).compareTo(Ids.made(b.id())) >= 0;
    }
}
