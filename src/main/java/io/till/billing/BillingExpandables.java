package io.till.billing;

import io.till.shared.web.Expandable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The billing records an API answer can carry in place of their ids ({@code ?expand=subscription,invoice}). */
@Configuration(proxyBeanMethods = false)
class BillingExpandables {

    @Bean
    Expandable subscriptionExpandable(Subscriptions subscriptions) {
        return Expandable.of("subscription", subscriptions::get);
    }

    @Bean
    Expandable paymentPlanExpandable(PaymentPlans paymentPlans) {
        return Expandable.of("payment_plan", paymentPlans::get);
    }

    @Bean
    Expandable invoiceExpandable(Invoices invoices) {
        return Expandable.of("invoice", invoices::get);
    }

    @Bean
    Expandable orderExpandable(Orders orders) {
        return Expandable.of("order", orders::get);
    }

    @Bean
    Expandable paymentExpandable(Payments payments) {
        return Expandable.of("payment", payments::get);
    }
}
