package io.till.billing;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * One charge attempt on a card; a failed one says why and whether trying the same card again can help. A charge for
 * an invoice (a renewal, an installment, a retry of either) names it: it is one of the invoice's {@code attemptCount}.
 */
public record Payment(
    String id,
    String customerId,
    String orderId,
    String subscriptionId,
    String paymentPlanId,
    @Schema(description = "The invoice this charge was for: a renewal's or an installment's, tried by its retry "
        + "schedule, staff's pay now or an automation's retry_payment. Each is one of the invoice's attempt_count; "
        + "GET /api/v1/payments?invoice_id= lists them. null for a payment that was for no invoice (a purchase, an "
        + "upsell, an internal order).", example = "inv_01jdq5yq3m6b8w0c4s2e7r9t1v") String invoiceId,
    String cardId,
    long amount,
    long amountRefunded,
    String currency,
    String status,
    String failureCode,
    String failureMessage,
    Boolean hardDecline,
    Instant createdAt) {}
