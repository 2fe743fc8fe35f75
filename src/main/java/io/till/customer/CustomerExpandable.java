package io.till.customer;

import io.till.shared.web.Expandable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The customer an API answer can carry in place of its id ({@code ?expand=customer}); without its stats. */
@Configuration(proxyBeanMethods = false)
class CustomerExpandable {

    @Bean
    Expandable customerExpansion(Customers customers) {
        return Expandable.of("customer", customers::get);
    }
}
