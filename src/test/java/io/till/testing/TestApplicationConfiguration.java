package io.till.testing;

import java.time.Instant;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** What every integration test shares: a clock the tests move, and a sandbox gateway they can make fail. */
@TestConfiguration(proxyBeanMethods = false)
public class TestApplicationConfiguration {

    @Bean
    @Primary
    MutableClock mutableClock() {
        return new MutableClock(Instant.now());
    }

    @Bean
    static GatewayFaults gatewayFaults() {
        return GatewayFaults.armable();
    }
}
