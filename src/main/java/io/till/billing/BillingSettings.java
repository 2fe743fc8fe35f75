package io.till.billing;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How Till collects money that did not come in. Retries are counted from the invoice's first attempt: with the
 * default, a payment is retried 1, 3 and 5 days after it first failed (the seeds' schedule for payment plans), then the
 * subscription or plan is unpaid.
 */
@ConfigurationProperties("till.billing")
record BillingSettings(
    @DefaultValue({"P1D", "P3D", "P5D"}) List<Duration> subscriptionRetries,
    @DefaultValue({"P1D", "P3D", "P5D"}) List<Duration> paymentPlanRetries,
    @DefaultValue("P3D") Duration invoiceOverdueAfter,
    @DefaultValue("P7D") Duration upcomingNotice,
    @DefaultValue("P7D") Duration endingSoonNotice,
    @DefaultValue("PT5S") Duration clockInterval) {}
