package io.till.action;

import io.till.action.ActionSchema.Param;
import io.till.action.ActionSchema.Type;
import io.till.billing.Invoices;
import io.till.customer.Customers;
import io.till.task.Tasks;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
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
            Param.optional("due_in", Type.STRING, "when it is due from now, an ISO-8601 duration such as P2D"))
            .checking(CreateTaskAction::check);
    }

    /** The longest {@code due_in}: ten years, as a delay's. */
    static final Duration LONGEST_DUE_IN = Duration.ofDays(3650);

    /**
     * A title that fits and a due time that is one: checked when saved, so that a task whose step comes days into a
     * run is not lost to a typo found only then, and again once rendered.
     */
    static void check(ActionSchema.Values params) {
        String title = params.literal("title");
        if (title != null && title.length() > 500) {
            params.refuse("title", "invalid_params", "at most 500 characters");
        }
        String due = params.literal("due_in");
        if (due != null) {
            dueIn(due).ifPresent(problem -> params.refuse("due_in", "invalid_params", problem));
        }
    }

    /** What is wrong with {@code text} as a {@code due_in}, or empty. */
    private static Optional<String> dueIn(String text) {
        Duration due;
        try {
            due = Duration.parse(text);
        } catch (DateTimeParseException e) {
            return Optional.of("'" + text + "' is not a duration: write P2D for 2 days, PT4H for 4 hours");
        }
        if (due.isNegative() || due.compareTo(LONGEST_DUE_IN) > 0) {
            return Optional.of("must be from now to ten years ahead (P3650D)");
        }
        return Optional.empty();
    }

    /** Rows of Till's database only: the task. */
    @Override
    public boolean transactional() {
        return true;
    }

    @Override
    public ActionResult perform(ActionCall call) {
        var refusal = refusal(call);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        var params = call.params();
        String title = params.get("title").asString().strip();
        String due = text(params, "due_in");
        Duration dueIn = due == null || due.isBlank() ? null : Duration.parse(due.strip());
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
        var value = params.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
