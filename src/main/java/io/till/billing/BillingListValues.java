package io.till.billing;

import io.till.shared.web.ParameterValues;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The statuses each billing list takes, for the OpenAPI document: the lists' own constants. */
@Configuration(proxyBeanMethods = false)
class BillingListValues {

    @Bean
    ParameterValues orderStatuses() {
        return new ParameterValues("/api/v1/orders", "status", BillingController.ORDERS_STATUSES);
    }

    @Bean
    ParameterValues paymentStatuses() {
        return new ParameterValues("/api/v1/payments", "status", BillingController.PAYMENTS_STATUSES);
    }

    @Bean
    ParameterValues subscriptionStatuses() {
        return new ParameterValues("/api/v1/subscriptions", "status", BillingController.SUBSCRIPTIONS_STATUSES);
    }

    @Bean
    ParameterValues paymentPlanStatuses() {
        return new ParameterValues("/api/v1/payment_plans", "status", BillingController.PAYMENT_PLANS_STATUSES);
    }

    @Bean
    ParameterValues refundStatuses() {
        return new ParameterValues("/api/v1/refunds", "status", BillingController.REFUND_STATUSES);
    }

    @Bean
    ParameterValues invoiceStatuses() {
        return new ParameterValues("/api/v1/invoices", "status", BillingController.INVOICES_STATUSES);
    }
}
