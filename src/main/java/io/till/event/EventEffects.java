package io.till.event;

import java.time.Instant;
import java.util.List;

/**
 * What an event set off, for its page in the dashboard. The features that react to events (automations, webhooks)
 * each say what they did with one; the event log knows none of them, so it depends on no feature that depends on it.
 */
public interface EventEffects {

    /** The heading of this kind of effect on the event's page, e.g. "Automations it started". */
    String heading();

    /** What the page says when the event set off nothing of this kind. */
    String none();

    /** Newest first; only records of {@code accountId}. */
    List<Effect> of(String accountId, String eventId);

    /**
     * One thing the event set off.
     *
     * @param href the dashboard page that shows it
     * @param status its status code (succeeded, failed, pending, …)
     * @param detail a short line of what happened, or null
     */
    record Effect(String id, String label, String href, String status, String detail, Instant at) {}
}
