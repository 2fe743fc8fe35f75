package io.till.automation;

import io.till.event.EventWords;
import io.till.event.Events;
import io.till.shared.TillException;
import java.util.HashMap;
import java.util.Map;

/**
 * What stopped canceled runs, in words ("by Invoice paid"), for lists that show many runs: a run a payment's recovery
 * ended reads as such, not as a bare "canceled". One per listing, remembering each event it looked up.
 */
final class StoppingEvents {

    private final Events events;
    private final String accountId;
    private final Map<String, String> words = new HashMap<>();

    StoppingEvents(Events events, String accountId) {
        this.events = events;
        this.accountId = accountId;
    }

    /** "by Invoice paid" for a run canceled by an event it stops on; null for any other run. */
    String of(Execution run) {
        if (run.canceledByEvent() == null || !run.status().equals("canceled")) {
            return null;
        }
        return words.computeIfAbsent(run.canceledByEvent(), id -> {
            try {
                return "by " + EventWords.of(events.get(accountId, id).type());
            } catch (TillException gone) {
                return "by an event it stops on";
            }
        });
    }
}
