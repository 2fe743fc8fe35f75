package io.till.action;

import java.util.Optional;

/**
 * What every action a step can call implements (PRODUCT.md §5). The engine renders the step's params, checks them
 * against {@link #schema()}, and calls {@link #perform} outside any transaction (but see {@link #transactional()}),
 * with an idempotency key that stays the same across retries and crashes of that step, so a side effect keyed on it
 * happens once.
 */
public interface Action {

    /** The schema of the action's params: checked when a definition is saved and again when the step runs. */
    ActionSchema schema();

    default String name() {
        return schema().name();
    }

    /**
     * Why these rendered params can never be performed, or empty: the schema's {@link ActionSchema#rule} by default.
     * {@link #perform} starts with it and a dry run shows it, so that both fail a step alike.
     */
    default Optional<ActionResult.Failed> refusal(ActionCall call) {
        return schema().refusal(call.params());
    }

    /**
     * Refuses what only the account can tell is wrong with params as saved (an endpoint it does not have); a value a
     * template decides is left to the run ({@link ActionSchema.Values#literal}). Nothing by default.
     */
    default void checkSaved(String accountId, ActionSchema.Values params) {}

    /**
     * Whether the action's whole effect is rows of Till's own database, written through the caller's transaction
     * (nothing outside Till hears of it): the engine may then perform it inside the transaction that starts the run,
     * so that the step commits with the run and its log, or not at all, and a crash never repeats it. Such an action
     * must not wait on anything outside the database; a thrown exception there undoes the whole transaction, which
     * the engine then runs again the ordinary way.
     */
    default boolean transactional() {
        return false;
    }

    /** Performs the action; a thrown exception counts as a retryable failure. */
    ActionResult perform(ActionCall call);

    /** What the action would do, for a dry run: performs nothing. */
    default ActionResult preview(ActionCall call) {
        return new ActionResult.Done(call.params().deepCopy().put("dry_run", true));
    }
}
