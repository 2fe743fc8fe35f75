package io.till.testing;

import java.time.Instant;
import java.util.Map;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * What every integration test shares: a clock the tests move, a sandbox gateway they can make fail, and a cheaper
 * password hash.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestApplicationConfiguration {

    @Bean
    @Primary
    MutableClock mutableClock() {
        return new MutableClock(Instant.now());
    }

    /**
     * The same bcrypt hashes as production at the lowest cost: every page test creates staff and signs them in, and
     * production's cost 10 takes about 100 ms a hash on a two-core machine. Like the database's durability, traded for
     * speed in test configuration only; hashes of any cost still verify.
     */
    @Bean
    @Primary
    PasswordEncoder fastPasswordEncoder() {
        return new DelegatingPasswordEncoder("bcrypt", Map.of("bcrypt", new BCryptPasswordEncoder(4)));
    }

    @Bean
    static GatewayFaults gatewayFaults() {
        return GatewayFaults.armable();
    }
}
