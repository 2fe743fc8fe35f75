package io.till.message;

import io.till.action.ActionCall;
import io.till.action.ActionResult;
import io.till.action.ActionSchema.Param;
import io.till.action.ActionSchema.Type;
import io.till.customer.Customers;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A message a step marks {@code marketing} (a promotion, a win-back offer, a newsletter) goes only to a run's customer
 * who gave marketing consent, read as the step runs: a seller's promotion flow that forgot its condition reached
 * customers who had withdrawn it. Receipts, dunning and other messages about what a customer bought are not marketing
 * and go regardless.
 */
@Component
class MarketingConsent {

    /** The param both message actions take. */
    static final Param PARAM = Param.optional("marketing", Type.BOOLEAN, "a marketing message: sent only to a run's "
        + "customer who gave marketing consent (skipped, saying so, otherwise)");

    private final Customers customers;

    MarketingConsent(Customers customers) {
        this.customers = customers;
    }

    /**
     * What the step answers instead of sending, when {@code call} is marked marketing and its customer has not given
     * consent (or it is about no customer); empty when it is to be sent.
     */
    Optional<ActionResult> withheld(ActionCall call) {
        if (!call.params().path("marketing").asBoolean(false)) {
            return Optional.empty();
        }
        if (call.customerId() == null) {
            return Optional.of(ActionResult.Failed.permanent("no_customer", "a marketing message goes to a run's "
                + "customer who gave marketing consent: this run is about no customer"));
        }
        boolean consented = customers.find(call.accountId(), call.customerId()).map(c -> c.marketingConsent())
            .orElse(false);
        if (consented) {
            return Optional.empty();
        }
        return Optional.of(new ActionResult.Done(JsonNodeFactory.instance.objectNode().put("sent", false)
            .put("skipped", "no_marketing_consent").put("customer_id", call.customerId())));
    }
}
