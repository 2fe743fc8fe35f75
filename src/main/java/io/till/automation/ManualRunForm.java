package io.till.automation;

import io.till.customer.Customer;
import io.till.customer.Customers;
import io.till.idempotency.FormSubmissions;
import io.till.shared.PageRequest;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/**
 * The "Run now" panel of an automation started by hand (trigger {@code manual}): the customer picker of the Test tab
 * (search by name or email, newest first) and the run's optional data. Offered only while the active version is
 * manual, since that is the version {@link DirectStarts#runManually} starts; a draft, paused or archived automation
 * gets a sentence saying what to do first.
 */
@Component
class ManualRunForm {

    /** Customers offered at once; typing narrows them. */
    static final int CUSTOMERS = 8;
    private static final int MAX_SEARCH = 200;

    private final Automations automations;
    private final Customers customers;

    ManualRunForm(Automations automations, Customers customers) {
        this.automations = automations;
        this.customers = customers;
    }

    /** Why the panel cannot run the automation now; null when it can. */
    enum Blocked {
        ARCHIVED,
        NOT_ACTIVE,
        PAUSED
    }

    /**
     * Adds the panel to the model of an automation's Steps tab: {@code run} (null when the active version, or the
     * latest when none is active, is not started by hand), the customer picked, the search and what was typed.
     */
    void offer(String accountId, Automation automation, String customerId, String query, String data, Model model) {
        int shownVersion = automation.activeVersion() != null ? automation.activeVersion() : automation.version();
        var definition = automations.versionToTest(accountId, automation.id(), shownVersion).definition();
        if (!"manual".equals(definition.path("trigger").path("type").asString(null))) {
            return;
        }
        Blocked blocked = automation.archivedAt() != null
            ? Blocked.ARCHIVED
            : automation.activeVersion() == null
                ? Blocked.NOT_ACTIVE
                : automation.paused() ? Blocked.PAUSED : null;
        Customer customer = customerId == null || customerId.isBlank()
            ? null
            : customers.find(accountId, customerId.strip()).orElse(null);
        // Its steps or conditions read the customer ({{customer.email}}): without one they would fail or be empty.
        boolean readsCustomer = definition.path("steps").toString().contains("customer.")
            || definition.path("conditions").toString().contains("customer.");
        model.addAttribute("run", new Panel(shownVersion, blocked, FormSubmissions.newKey(), readsCustomer));
        model.addAttribute("runCustomer", customer);
        model.addAttribute("runUnknownCustomer", customerId != null && !customerId.isBlank() && customer == null);
        model.addAttribute("runData", data == null || data.isBlank() ? "{\n}" : data);
        found(accountId, automation.id(), query, model);
    }

    /** The picker's results: the newest customers, or those whose name or email holds {@code query}. */
    void found(String accountId, String automationId, String query, Model model) {
        String needle = query == null ? "" : query.strip();
        if (needle.length() > MAX_SEARCH) {
            needle = needle.substring(0, MAX_SEARCH);
        }
        model.addAttribute("runQuery", needle);
        model.addAttribute("runFound", customers.list(accountId, needle.isEmpty() ? null : needle,
            new PageRequest(CUSTOMERS, null)).data());
        model.addAttribute("automationId", automationId);
    }

    /**
     * The panel: the version a run starts, what keeps it from starting, the one-time key of its form, and whether its
     * steps or conditions read the customer, so that a run without one is warned of.
     */
    record Panel(int version, Blocked blocked, String formKey, boolean readsCustomer) {}
}
