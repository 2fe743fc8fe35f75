package io.till.automation;

import io.till.shared.PageRequest;
import io.till.shared.TillException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names of an account's automations for a page that lists runs (one read per page, not one per row), and the
 * choices of its automation filter. A run of an archived automation still names it, read on demand.
 */
final class AutomationNames {

    /** One choice of an automation filter. */
    record Option(String id, String name) {}

    private final Automations automations;
    private final String accountId;
    private final Map<String, String> names = new LinkedHashMap<>();

    private AutomationNames(Automations automations, String accountId) {
        this.automations = automations;
        this.accountId = accountId;
    }

    static AutomationNames of(Automations automations, String accountId) {
        var names = new AutomationNames(automations, accountId);
        automations.list(accountId, PageRequest.of(PageRequest.MAX_LIMIT, null, "aut"))
            .data()
            .forEach(a -> names.names.put(a.id(), a.name()));
        return names;
    }

    /**
     * These names with the automation a filter chose, even archived (the list leaves those out): the filter's choice
     * shows as chosen, and pressing Show again keeps it. An id of no automation of the account adds nothing.
     */
    AutomationNames including(String automationId) {
        if (automationId != null && !automationId.isBlank() && !names.containsKey(automationId.strip())) {
            try {
                var automation = automations.get(accountId, automationId.strip());
                names.put(automation.id(), automation.archivedAt() == null
                    ? automation.name()
                    : automation.name() + " (archived)");
            } catch (TillException notFound) {
                // Nothing to name: the filter says it matches nothing.
            }
        }
        return this;
    }

    String get(String automationId) {
        return names.computeIfAbsent(automationId, id -> automations.get(accountId, id).name());
    }

    public List<Option> options() {
        return names.entrySet().stream().map(e -> new Option(e.getKey(), e.getValue())).toList();
    }
}
