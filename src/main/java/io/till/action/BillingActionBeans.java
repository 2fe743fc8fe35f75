package io.till.action;

import io.till.action.ActionSchema.Param;
import io.till.action.ActionSchema.Type;
import io.till.billing.BillingActions;
import io.till.billing.Invoices;
import io.till.billing.Subscriptions;
import io.till.customer.CustomerStats;
import io.till.shared.Amounts;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The billing actions. Each goes through {@link BillingActions}, with the step's idempotency key wherever money or
 * credit moves, so a step run twice charges or credits once. A declined retry is an outcome, not a failure: the step
 * succeeds with {@code status: declined}, and the automation branches on {@code steps.<id>.output.status}.
 */
@Configuration(proxyBeanMethods = false)
class BillingActionBeans {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Param INVOICE = Param.required("invoice_id", Type.STRING, "the invoice, e.g. {{invoice.id}}");
    private static final Param SUBSCRIPTION = Param.required("subscription_id", Type.STRING,
        "the subscription, e.g. {{subscription.id}}");

    /**
     * An action whose work is a function of the call; Till's errors become permanent failures. {@code notTheirs}, when
     * set, refuses a record of another customer than the run's: a run about one customer never charges, credits or
     * cancels another's, whatever id its data carried (as the context never reads another's record into it). The one
     * exception is {@code grant_credits}, which names whom it credits: a referral rewards the referrer, another customer
     * of the same shop, from a run about the buyer.
     */
    private record BillingAction(ActionSchema schema, Function<ActionCall, JsonNode> work,
        Function<ActionCall, ObjectNode> dryRun, Function<ActionCall, Optional<ActionResult.Failed>> notTheirs)
        implements
            Action {

        BillingAction(ActionSchema schema, Function<ActionCall, JsonNode> work) {
            this(schema, work, null, null);
        }

        BillingAction(ActionSchema schema, Function<ActionCall, JsonNode> work,
            Function<ActionCall, ObjectNode> dryRun) {
            this(schema, work, dryRun, null);
        }

        BillingAction ofTheRunsCustomer(Function<ActionCall, Optional<ActionResult.Failed>> check) {
            return new BillingAction(schema, work, dryRun, check);
        }

        @Override
        public ActionResult perform(ActionCall call) {
            var refused = refusal(call).or(() -> notTheirs == null ? Optional.empty() : notTheirs.apply(call));
            if (refused.isPresent()) {
                return refused.get();
            }
            return RecordFailures.guard(() -> new ActionResult.Done(work.apply(call)));
        }

        @Override
        public ActionResult preview(ActionCall call) {
            var refused = notTheirs == null ? Optional.<ActionResult.Failed>empty() : notTheirs.apply(call);
            if (refused.isPresent()) {
                return refused.get();
            }
            return dryRun == null
                ? Action.super.preview(call)
                : new ActionResult.Done(dryRun.apply(call).put("dry_run", true));
        }
    }

    /** Refuses an invoice of another customer than the run's (a run about no customer may act on any of the account). */
    private static Function<ActionCall, Optional<ActionResult.Failed>> invoiceOf(Invoices invoices) {
        return ownedBy("invoice_id", "an invoice",
            (accountId, id) -> invoices.find(accountId, id).map(invoice -> invoice.customerId()));
    }

    /** As {@link #invoiceOf}, for a subscription. */
    private static Function<ActionCall, Optional<ActionResult.Failed>> subscriptionOf(Subscriptions subscriptions) {
        return ownedBy("subscription_id", "a subscription",
            (accountId, id) -> subscriptions.find(accountId, id).map(subscription -> subscription.customerId()));
    }

    /** Refuses the record {@code param} names when {@code owner} finds it another customer's than the run's. */
    private static Function<ActionCall, Optional<ActionResult.Failed>> ownedBy(String param, String what,
        java.util.function.BiFunction<String, String, Optional<String>> owner) {
        return call -> {
            String id = text(call, param);
            return call.customerId() == null || id == null
                ? Optional.empty()
                : owner.apply(call.accountId(), id)
                    .filter(customerId -> !customerId.equals(call.customerId()))
                    .map(customerId -> ActionResult.Failed.permanent("not_theirs", "params." + param + ": " + id
                        + " is " + what + " of another customer than this run's, " + call.customerId()));
        };
    }

    /** An amount written out must be a positive whole number of minor units (a negative one would credit nothing). */
    private static void positive(ActionSchema.Values params, String name) {
        String amount = params.literal(name);
        if (amount != null && (!amount.matches("[0-9]{1,15}") || amount.matches("0+"))) {
            params.refuse(name, "invalid_params", "'" + amount + "' is not an amount: a positive whole number of "
                + "minor units, such as 500 for $5.00");
        }
    }

    private static String text(ActionCall call, String param) {
        JsonNode value = call.params().get(param);
        return value == null || value.isNull() ? null : value.asString();
    }

    /**
     * {@code retry_payment}: one charge per step. Should another charge of the invoice be at the gateway (its retry
     * schedule's, staff's pay now, another run's), the step charges nothing and is taken again shortly, without
     * spending an attempt ({@link RecordFailures#guard}), when that one has ended and the invoice may be paid. Moments
     * after the schedule's attempt declined the same card, its decline is the answer and nothing is charged.
     */
    @Bean
    Action retryPayment(BillingActions billing, Invoices invoices) {
        return new BillingAction(ActionSchema.of("retry_payment", "Charges an unpaid invoice now, once per step",
            INVOICE), call -> {
                var charge = billing.retryPayment(call.accountId(), text(call, "invoice_id"), call.idempotencyKey(),
                    call.executionId());
                if (charge.status().equals("in_progress")) {
                    throw new TillException(ErrorCode.CHARGE_IN_PROGRESS, charge.message());
                }
                var output = NODES.objectNode().put("status", charge.status()).put("payment_id", charge
                    .paymentId()).put("failure_code", charge.code()).put("failure_message", charge.message());
                // The schedule's attempt of moments ago is the answer: said, so that the log explains the payment.
                return charge.bySchedule() ? output.put("declined_just_before", "retry_schedule") : output;
            },
            // A dry run charges nothing. Shown declined, so that what a flow does when the card fails again (most
            // of a dunning sequence) can be followed; were it paid, the invoice's payment would end the run.
            call -> NODES.objectNode().put("invoice_id", text(call, "invoice_id")).put("status", "declined")
                .putNull("payment_id").put("failure_code", "dry_run").put("failure_message", "A dry run charges "
                    + "nothing: the retry is shown declined, to follow what the automation does then."))
            .ofTheRunsCustomer(invoiceOf(invoices));
    }

    @Bean
    Action voidInvoice(BillingActions billing, Invoices invoices) {
        return new BillingAction(ActionSchema.of("void_invoice", "Voids an issued invoice", INVOICE), call -> {
            var invoice = billing.voidInvoice(call.accountId(), text(call, "invoice_id"));
            return NODES.objectNode().put("invoice_id", invoice.id()).put("status", invoice.status());
        })
            .ofTheRunsCustomer(invoiceOf(invoices));
    }

    @Bean
    Action markUncollectible(BillingActions billing, Invoices invoices) {
        return new BillingAction(ActionSchema.of("mark_uncollectible", "Writes an issued invoice off", INVOICE),
            call -> {
                var invoice = billing.markUncollectible(call.accountId(), text(call, "invoice_id"));
                return NODES.objectNode().put("invoice_id", invoice.id()).put("status", invoice.status());
            })
            .ofTheRunsCustomer(invoiceOf(invoices));
    }

    @Bean
    Action createCreditNote(BillingActions billing, Invoices invoices) {
        return new BillingAction(ActionSchema.of("create_credit_note", "Credits the customer for part of a paid "
            + "invoice", INVOICE, Param.required("amount", Type.INTEGER, "in minor units"),
            Param.optional("reason", Type.STRING, "why")).checking(params -> positive(params, "amount")),
            call -> balances(billing.createCreditNote(call
                .accountId(), text(call, "invoice_id"), call.params().get("amount").asLong(), text(call, "reason"),
                call.idempotencyKey())))
            .ofTheRunsCustomer(invoiceOf(invoices));
    }

    @Bean
    Action applyCredits(BillingActions billing, Invoices invoices) {
        return new BillingAction(ActionSchema.of("apply_credits", "Spends the customer's credit on an issued invoice",
            INVOICE, Param.optional("amount", Type.INTEGER, "at most this much, in minor units; all it can by "
                + "default"))
            .checking(params -> positive(params, "amount")),
            call -> {
                JsonNode limit = call.params().get("amount");
                long applied = billing.applyCredits(call.accountId(), text(call, "invoice_id"), limit == null
                    ? null
                    : limit.asLong(), call.idempotencyKey());
                return NODES.objectNode().put("applied", applied);
            })
            .ofTheRunsCustomer(invoiceOf(invoices));
    }

    @Bean
    Action grantCredits(BillingActions billing) {
        return new BillingAction(ActionSchema.of("grant_credits", "Grants credit to the customer",
            Param.required("amount", Type.INTEGER, "in minor units"),
            Param.required("currency", Type.STRING, "three letters, e.g. usd"),
            Param.optional("reason", Type.STRING, "why"),
            Param.optional("customer_id", Type.STRING, "the customer to credit, the execution's by default; another "
                + "customer of the shop may be named, e.g. the referrer a purchase came with"))
            .checking(params -> {
                positive(params, "amount");
                String currency = params.literal("currency");
                if (currency != null && !Amounts.isCurrency(currency.toLowerCase(java.util.Locale.ROOT))) {
                    params.refuse("currency", "invalid_params", "'" + currency + "' is not a currency: three letters, "
                        + "such as usd");
                }
            }), call -> {
                String customer = call.params().has("customer_id") ? text(call, "customer_id") : call.customerId();
                if (customer == null) {
                    throw io.till.shared.TillException.invalid("customer_id", "required", "this execution is not "
                        + "about a customer: name one");
                }
                return balances(billing.grantCredits(call.accountId(), customer, call.params().get("amount")
                    .asLong(), text(call, "currency"), text(call, "reason"), call.idempotencyKey()));
            });
    }

    @Bean
    Action cancelSubscription(BillingActions billing, Subscriptions subscriptions) {
        return new BillingAction(ActionSchema.of("cancel_subscription", "Cancels a subscription now or at period end",
            SUBSCRIPTION, Param.optional("at_period_end", Type.BOOLEAN, "false: now (the default); true: at the "
                + "end of the paid period")),
            call -> {
                var subscription = billing.cancelSubscription(call.accountId(), text(call, "subscription_id"),
                    call.params().path("at_period_end").asBoolean(false));
                return NODES.objectNode().put("subscription_id", subscription.id()).put("status", subscription
                    .status());
            })
            .ofTheRunsCustomer(subscriptionOf(subscriptions));
    }

    @Bean
    Action pauseSubscription(BillingActions billing, Subscriptions subscriptions) {
        return new BillingAction(ActionSchema.of("pause_subscription", "Pauses a subscription", SUBSCRIPTION),
            call -> {
                var subscription = billing.pauseSubscription(call.accountId(), text(call, "subscription_id"));
                return NODES.objectNode().put("subscription_id", subscription.id()).put("status", subscription
                    .status());
            })
            .ofTheRunsCustomer(subscriptionOf(subscriptions));
    }

    private static ObjectNode balances(List<CustomerStats.Money> balances) {
        var node = NODES.objectNode();
        var list = node.putArray("balances");
        balances.forEach(money -> list.addObject().put("amount", money.amount()).put("currency", money.currency()));
        return node;
    }
}
