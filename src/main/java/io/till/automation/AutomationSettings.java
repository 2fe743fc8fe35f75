package io.till.automation;

import java.time.Duration;
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
 */
@ConfigurationProperties("till.automation")
public record AutomationSettings(
    @DefaultValue("true") boolean workersEnabled,
    @DefaultValue("2") int workers,
    @DefaultValue("500") int batchSize,
    @DefaultValue("100ms") Duration pollInterval,
    @DefaultValue("60s") Duration lease) {}
