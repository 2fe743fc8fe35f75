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

    /**
     * The sandbox clock every test shares starts on 1 February of next year at 10:00 UTC, whatever the day the build
     * runs, as if the test clock had been advanced there, so that the suite's advances cross the same dates every day:
     * started at the machine's time, a build in December crossed a new year in one test or another (a sandbox card
     * typed again in a new year is another card), failing on some days only. Real time (keys, sessions, webhook
     * timestamps) starts at the machine's.
     */
    @Bean
    @Primary
    MutableClock mutableClock() {
        Instant now = Instant.now();
        var clock = new MutableClock(now);
        int nextYear = java.time.LocalDate.ofInstant(now, java.time.ZoneOffset.UTC).getYear() + 1;
        clock.advance(java.time.Duration.between(now, Instant.parse(nextYear + "-02-01T10:00:00Z")));
        return clock;
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
