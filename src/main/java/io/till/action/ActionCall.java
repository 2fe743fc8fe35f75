package io.till.action;

import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * One call of an action by one step of one execution.
 *
 * @param idempotencyKey execution + step + loop iteration: the same for every attempt of this step
 * @param params the step's params with every template rendered, already checked against the schema
 * @param customerId the customer the execution is about, if any
 * @param now when the call is made, from Till's clock
 */
public record ActionCall(
    String accountId,
    String executionId,
    String stepId,
    String idempotencyKey,
    int attempt,
    String customerId,
    ObjectNode params,
    Instant now) {}
