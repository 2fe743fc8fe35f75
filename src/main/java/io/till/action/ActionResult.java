package io.till.action;

import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** How an action call ended. */
public sealed interface ActionResult {

    /** It happened; {@code output} is saved as {@code steps.<id>.output}. */
    record Done(JsonNode output) implements ActionResult {}

    /**
     * It did not happen. A retryable failure (a timeout, a 503, a rate limit) is tried again per the step's retry
     * policy, no sooner than {@code retryAfter} when the peer said so; a permanent one (a bad address, a missing record)
     * goes straight to the step's fallback, because trying again cannot help.
     */
    record Failed(String code, String message, boolean retryable, Duration retryAfter) implements ActionResult {

        public static Failed retryable(String code, String message) {
            return new Failed(code, message, true, null);
        }

        public static Failed permanent(String code, String message) {
            return new Failed(code, message, false, null);
        }
    }

    /**
     * It did nothing yet, and cannot now without doing something twice (another charge of the same invoice is at the
     * gateway): it is called again, with the same key, after {@code after} (jittered up to twice that), and the wait
     * spends none of the step's attempts. Whatever makes it wait must end by itself (a claim that runs out), so that
     * the step never waits for good.
     */
    record Deferred(String code, String message, Duration after) implements ActionResult {

        /**
         * How long an action waits when every call this node makes to its host at once is open (a host that answers
         * slowly): it was not sent, and holds no worker's room while it waits.
         */
        public static final Duration HOST_BUSY = Duration.ofSeconds(5);

        /** Not sent: every call this node makes to the host at once is open; taken again after {@link #HOST_BUSY}. */
        public static Deferred hostBusy(String message) {
            return new Deferred("host_busy", message, HOST_BUSY);
        }
    }
}
