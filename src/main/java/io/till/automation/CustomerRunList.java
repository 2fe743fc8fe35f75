package io.till.automation;

import io.till.billing.CustomerRuns;
import io.till.event.Events;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** A customer's automation runs for their record's timeline, read from the same store as the executions API. */
@Component
class CustomerRunList implements CustomerRuns {

    private final Executions executions;
    private final Automations automations;
    private final Events events;

    CustomerRunList(Executions executions, Automations automations, Events events) {
        this.executions = executions;
        this.automations = automations;
        this.events = events;
    }

    @Override
    public List<Run> newestFirst(String accountId, String customerId, String beforeId, int limit) {
        // One more than asked for: the extra run tells the caller that older ones follow.
        var runs = executions.list(accountId, new Executions.Filter(null, null, customerId),
            new PageRequest(limit + 1, beforeId));
        Map<String, String> names = new HashMap<>();
        var stoppers = new StoppingEvents(events, accountId);
        return runs.data()
            .stream()
            .map(e -> new Run(e.id(), names.computeIfAbsent(e.automationId(), id -> name(accountId, id)), e.status(),
                stoppers.of(e), e.createdAt()))
            .toList();
    }

    private String name(String accountId, String automationId) {
        try {
            return automations.get(accountId, automationId).name();
        } catch (TillException e) {
            return "Removed automation";
        }
    }
}
