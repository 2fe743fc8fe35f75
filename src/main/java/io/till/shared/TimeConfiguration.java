package io.till.shared;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The clocks: Till's own, which the sandbox test clock moves and every time-dependent decision reads, and the real time
 * beneath it, which only what outside parties verify reads. Tests replace the first and so control both.
 */
@Configuration(proxyBeanMethods = false)
class TimeConfiguration {

    @Bean
    TillClock clock() {
        return new TillClock(Clock.systemUTC());
    }

    /** Injected only where asked for by name, so that a plain {@code Clock} stays Till's. */
    @Bean(defaultCandidate = false)
    @RealTime
    Clock realTime(TillClock clock) {
        return clock.realTime();
    }
}
