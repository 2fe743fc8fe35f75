package io.till.action;

/**
 * What every action a step can call implements (PRODUCT.md §5). The engine renders the step's params, checks them
 * against {@link #schema()}, and calls {@link #perform} outside any transaction, with an idempotency key that stays the
 * same across retries and crashes of that step, so a side effect keyed on it happens once.
 */
public interface Action {

    /** The schema of the action's params: checked when a definition is saved and again when the step runs. */
    ActionSchema schema();

    default String name() {
        return schema().name();
    }

    /** Performs the action; a thrown exception counts as a retryable failure. */
    ActionResult perform(ActionCall call);

    /** What the action would do, for a dry run: performs nothing. */
    default ActionResult preview(ActionCall call) {
        return new ActionResult.Done(call.params().deepCopy().put("dry_run", true));
    }
}
