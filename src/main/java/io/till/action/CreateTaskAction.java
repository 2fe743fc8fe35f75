package io.till.action;

import io.till.action.ActionSchema.Param;
import io.till.action.ActionSchema.Type;
import io.till.billing.Invoices;
import io.till.customer.Customers;
import io.till.task.Tasks;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code create_task}: an internal to-do for the staff. Keyed on the step's idempotency key, so a retried or resumed
 * step finds the task it already created instead of making a second one.
 */
@Component
class CreateTaskAction implements Action {

    private final Tasks tasks;
    private final Customers customers;
    private final Invoices invoices;
    private final TransactionTemplate transaction;

    CreateTaskAction(Tasks tasks, Customers customers, Invoices invoices, TransactionTemplate transaction) {
        this.tasks = tasks;
        this.customers = customers;
        this.invoices = invoices;
        this.transaction = transaction;
    }

    @Override
    public ActionSchema schema() {
        return ActionSchema.of("create_task", "Creates a task for the staff",
            Param.required("title", Type.STRING, "what is to be done, at most 500 characters"),
            Param.optional("notes", Type.STRING, "details"),
            Param.optional("assignee", Type.STRING, "who should do it (an email)"),
            Param.optional("customer_id", Type.STRING, "the customer it is about; the execution's by default"),
            Param.optional("invoice_id", Type.STRING, "the invoice it is about; the tasks inbox says whether it is "
                + "paid since"),
            Param.optional("due_in", Type.STRING, "when it is due from now, an ISO-8601 duration such as P2D"));
    }

    /** Rows of Till's database only: the task. */
    @Override
    public boolean transactional() {
        return true;
    }

    @Override
    public ActionResult perform(ActionCall call) {
        var params = call.params();
        String title = params.get("title").asString().strip();
        if (title.length() > 500) {
            return ActionResult.Failed.permanent("invalid_params", "params.title: at most 500 characters");
        }
        Duration dueIn = null;
        if (params.has("due_in")) {
            try {
                dueIn = Duration.parse(params.get("due_in").asString());
            } catch (DateTimeParseException e) {
                return ActionResult.Failed.permanent("invalid_params", "params.due_in: must be a duration such as P2D");
            }
        }
        String customerId = params.has("customer_id") ? params.get("customer_id").asString() : call.customerId();
        if (customerId != null && !customers.find(call.accountId(), customerId).isPresent()) {
            return ActionResult.Failed.permanent("not_found", "params.customer_id: no customer " + customerId);
        }
        String invoiceId = text(params, "invoice_id");
        var invoice = invoiceId == null ? null : invoices.find(call.accountId(), invoiceId);
        if (invoice != null && invoice.isEmpty()) {
            return ActionResult.Failed.permanent("not_found", "params.invoice_id: no invoice " + invoiceId);
        }
        if (invoice != null && customerId != null && !invoice.get().customerId().equals(customerId)) {
            return ActionResult.Failed.permanent("not_theirs", "params.invoice_id: " + invoiceId + " is an invoice "
                + "of another customer than " + customerId);
        }
        var task = new Tasks.NewTask(title, text(params, "notes"), customerId, invoiceId, text(params, "assignee"),
            dueIn == null ? null : call.now().plus(dueIn), call.executionId(), call.idempotencyKey());
        return transaction.execute(status -> {
            // Its words were rendered from the run's customer (and the one it is about) as they were when the step
            // began: a task about someone erased meanwhile would bring their data back.
            for (String about : Stream.of(call.customerId(), customerId).filter(Objects::nonNull).distinct()
                .toList()) {
                if (!customers.lockUnerased(call.accountId(), about)) {
                    return ActionResult.Failed.permanent("customer_erased", "The personal data of customer " + about
                        + " was erased while this step ran: no task is made from it.");
                }
            }
            return new ActionResult.Done(JsonNodeFactory.instance.objectNode().put("task_id", tasks.create(call
                .accountId(), task).id()));
        });
    }

    private static String text(tools.jackson.databind.JsonNode params, String field) {
        return params.has(field) ? params.get(field).asString() : null;
    }
}
