package io.till.automation;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the automation engine runs on this node ({@code till.automation.*}).
 *
 * @param workersEnabled whether this node runs executions in the background (tests drive the engine by hand)
 * @param workers how many claim-and-run loops this node runs
 * @param batchSize how many executions one claim takes
 * @param pollInterval how long an idle loop waits before looking for work another node may have created
 * @param lease how long a claim holds an execution before another node may take it over
 * @param actionTimeout how long any action may run before it is stopped and counted as a retryable timeout; half the
 *     lease when not set
 * @param actionTimeouts the same per action kind ({@code till.automation.action-timeouts.send_slack=20s}; a kind with a
 *     dot in brackets: {@code till.automation.action-timeouts[crm.start_automation]=40s}), for an action whose peer is
 *     known to be slower or faster than the rest
 */
@ConfigurationProperties("till.automation")
public record AutomationSettings(
    @DefaultValue("true") boolean workersEnabled,
    @DefaultValue("2") int workers,
    @DefaultValue("500") int batchSize,
    @DefaultValue("100ms") Duration pollInterval,
    @DefaultValue("60s") Duration lease,
    Duration actionTimeout,
    Map<String, Duration> actionTimeouts) {

    public AutomationSettings {
        actionTimeouts = actionTimeouts == null ? Map.of() : Map.copyOf(actionTimeouts);
        // A step's lease is renewed while it runs, but only a cap below the lease makes sure that a step ends, and is
        // written back, on a node that stays healthy: an action allowed to outlive it would be a slow neighbour
        // forever.
        if (actionTimeout != null) {
            requireBelowLease("till.automation.action-timeout", actionTimeout, lease);
        }
        actionTimeouts.forEach((kind, cap) -> requireBelowLease("till.automation.action-timeouts." + kind, cap,
            lease));
    }

    private static void requireBelowLease(String property, Duration cap, Duration lease) {
        if (cap.isNegative() || cap.isZero() || cap.compareTo(lease) >= 0) {
            throw new IllegalArgumentException(property + " is " + cap + "; it must be above zero and below "
                + "till.automation.lease (" + lease + "), so that no action outlives the lease of its step");
        }
    }

    /** How long an action of this kind may run; below the lease. */
    Duration actionTimeout(String kind) {
        Duration cap = actionTimeouts.get(kind);
        if (cap != null) {
            return cap;
        }
        return actionTimeout != null ? actionTimeout : lease.dividedBy(2);
    }
}
