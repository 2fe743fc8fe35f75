package io.till.shared;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one clock every time-dependent decision reads, so that tests (and later the sandbox test clock) can move it. */
@Configuration(proxyBeanMethods = false)
class TimeConfiguration {

    @Bean
    TillClock clock() {
        return new TillClock(Clock.systemUTC());
    }
}
