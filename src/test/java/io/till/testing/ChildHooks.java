package io.till.testing;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Hooks for a child Till that a test is about to kill. With {@code -Dtill.test.hang-after-charge=<key prefix>} (e.g.
 * {@code automation:} or {@code order:}) the sandbox gateway completes a charge whose idempotency key starts so, prints
 * {@code CHARGED <key>} and never returns: the process dies between taking the money and recording it, the worst moment
 * there is.
 */
@TestConfiguration(proxyBeanMethods = false)
public class ChildHooks {

    @Bean
    static BeanPostProcessor hangAfterCharge() {
        String prefix = System.getProperty("till.test.hang-after-charge");
        return prefix == null ? new BeanPostProcessor() {
        } : GatewayFaults.hangingAfterCharges(prefix);
    }
}
