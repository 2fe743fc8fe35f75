package io.till.billing;

import io.till.shared.web.ParameterValues;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The statuses each billing list takes: checked by the lists (API, pages, exports), declared to the OpenAPI document. */
@Configuration(proxyBeanMethods = false)
class BillingListValues {

    // The statuses each list can be filtered by: those its table allows (BillingListFiltersTest compares them).
    static final List<String> INVOICES_STATUSES = List.of("issued", "paid", "void", "uncollectible");

    static final List<String> PAYMENT_PLANS_STATUSES = List.of("active", "completed", "unpaid", "canceled");

    static final List<String> SUBSCRIPTIONS_STATUSES = List.of("trialing", "active", "past_due", "unpaid", "canceling",
        "canceled", "paused");

    static final List<String> PAYMENTS_STATUSES = List.of("succeeded", "failed", "refunded", "disputed");
    static final List<String> REFUND_STATUSES = List.of("pending", "succeeded", "failed");

    static final List<String> ORDERS_STATUSES = List.of("pending", "paid", "failed", "refunded");

    @Bean
    ParameterValues orderStatuses() {
        return new ParameterValues("/api/v1/orders", "status", ORDERS_STATUSES);
    }

    @Bean
    ParameterValues paymentStatuses() {
        return new ParameterValues("/api/v1/payments", "status", PAYMENTS_STATUSES);
    }

    @Bean
    ParameterValues subscriptionStatuses() {
        return new ParameterValues("/api/v1/subscriptions", "status", SUBSCRIPTIONS_STATUSES);
    }

    @Bean
    ParameterValues paymentPlanStatuses() {
        return new ParameterValues("/api/v1/payment_plans", "status", PAYMENT_PLANS_STATUSES);
    }

    @Bean
    ParameterValues refundStatuses() {
        return new ParameterValues("/api/v1/refunds", "status", REFUND_STATUSES);
    }

    @Bean
    ParameterValues invoiceStatuses() {
        return new ParameterValues("/api/v1/invoices", "status", INVOICES_STATUSES);
    }
}
