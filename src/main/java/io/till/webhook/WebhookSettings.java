package io.till.webhook;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How webhooks are delivered on this node ({@code till.webhooks.*}).
 *
 * @param workersEnabled whether this node delivers in the background (tests drive delivery by hand)
 * @param workers how many sender loops this node runs
 * @param batchSize how many attempts one sender keeps on the wire at once (and one round of {@link WebhookAgenda}
 *     claims)
 * @param pollInterval how long an idle loop waits before looking for work another node may have created
 * @param lease how long a claim holds a delivery before another node may take it over; longer than a request may take
 */
@ConfigurationProperties("till.webhooks")
public record WebhookSettings(
    @DefaultValue("true") boolean workersEnabled,
    @DefaultValue("2") int workers,
    @DefaultValue("50") int batchSize,
    @DefaultValue("1s") Duration pollInterval,
    @DefaultValue("120s") Duration lease) {}
