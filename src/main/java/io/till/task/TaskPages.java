package io.till.task;

import io.till.account.StaffUsers;
import io.till.billing.Invoices;
import io.till.customer.Customers;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.FieldErrors;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The tasks inbox: the staff's to-dos, most of them made by automations' {@code create_task} steps, open or done;
 * assign one to a staff member of the account, complete it, and go to the customer and the run that made it.
 */
@Controller
class TaskPages {

    private static final String INBOX = "/admin/tasks";
    private static final int ROWS = 50;

    private final Tasks tasks;
    private final StaffUsers staffUsers;
    private final Customers customers;
    private final Invoices invoices;
    private final Clock clock;

    TaskPages(Tasks tasks, StaffUsers staffUsers, Customers customers, Invoices invoices, Clock clock) {
        this.customers = customers;
        this.invoices = invoices;
        this.tasks = tasks;
        this.staffUsers = staffUsers;
        this.clock = clock;
    }

    @GetMapping(INBOX)
    String inbox(Caller.Staff staff, @RequestParam(defaultValue = "open") String status,
        @RequestParam(required = false) String cursor, Model model) {
        var errors = new FieldErrors();
        var page = PageRequest.of(ROWS, cursor, "task", errors);
        boolean done = status.equals("done");
        if (!done && !status.equals("open")) {
            errors.add("status", "invalid_value", "must be open or done");
        }
        errors.throwIfAny();
        var found = tasks.list(staff.accountId(), new Tasks.Filter(done ? "done" : "open", null), page);
        model.addAttribute("tasks", found.data());
        // Each task's customer by name, in one query for the page (a removed one says so).
        var ids = found.data().stream().map(Task::customerId).filter(Objects::nonNull).distinct().toList();
        var known = customers.names(staff.accountId(), ids);
        var names = new HashMap<String, String>();
        ids.forEach(id -> names.put(id, known.getOrDefault(id, "Removed customer")));
        model.addAttribute("customerNames", names);
        model.addAttribute("invoices", standings(staff.accountId(), found.data()));
        model.addAttribute("next", found.hasMore() ? found.nextCursor() : null);
        model.addAttribute("done", done);
        model.addAttribute("now", Timestamps.now(clock));
        model.addAttribute("staff", emails(staff.accountId()));
        return "task/tasks";
    }

    /**
     * The invoice a task is about, as it stands now: a task to call about an unpaid invoice that has been paid since
     * may be done already.
     */
    record InvoiceStanding(String id, String amount, boolean paid, String status, Instant paidAt) {}

    private Map<String, InvoiceStanding> standings(String accountId, List<Task> shown) {
        var found = invoices.find(accountId, shown.stream().map(Task::invoiceId).filter(Objects::nonNull).toList());
        var standings = new HashMap<String, InvoiceStanding>();
        for (Task task : shown) {
            var invoice = task.invoiceId() == null ? null : found.get(task.invoiceId());
            if (invoice != null) {
                standings.put(task.id(), new InvoiceStanding(invoice.id(), Amounts.format(invoice.amountDue(),
                    invoice.currency()), invoice.status().equals("paid"),
                    invoice.status().equals("issued")
                        ? "still unpaid"
                        : invoice.status(),
                    invoice.paidAt()));
            }
        }
        return standings;
    }

    @PostMapping(INBOX + "/{id}/assign")
    String assign(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String assignee,
        RedirectAttributes redirect) {
        String chosen = assignee.isBlank() ? null : assignee.strip();
        List<String> members = emails(staff.accountId());
        if (chosen != null && members.stream().noneMatch(chosen::equalsIgnoreCase)) {
            tasks.get(staff.accountId(), id);
            redirect.addFlashAttribute("refused", "Choose a staff member of this account.");
            return "redirect:" + INBOX;
        }
        return change(redirect, chosen == null ? "Task unassigned." : "Task assigned to " + chosen + ".",
            "redirect:" + INBOX, () -> tasks.assign(staff.accountId(), id, chosen));
    }

    @PostMapping(INBOX + "/{id}/complete")
    String complete(Caller.Staff staff, @PathVariable String id, RedirectAttributes redirect) {
        return change(redirect, "Task done.", "redirect:" + INBOX, () -> tasks.complete(staff.accountId(), id));
    }

    /** The account's staff, as a task's assignee choices. */
    private List<String> emails(String accountId) {
        return staffUsers.list(accountId, false).stream().map(StaffUsers.StaffUser::email).sorted(
            String.CASE_INSENSITIVE_ORDER).toList();
    }

    /** A refused change (the task was done meanwhile) comes back with the reason; nothing changed. */
    private static String change(RedirectAttributes redirect, String done, String back, Supplier<Task> action) {
        try {
            action.get();
            redirect.addFlashAttribute("flash", done);
        } catch (TillException e) {
            if (e.code() != ErrorCode.INVALID_STATE) {
                throw e;
            }
            redirect.addFlashAttribute("refused", e.getMessage());
        }
        return back;
    }
}
