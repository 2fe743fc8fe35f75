package io.till.idempotency;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Deletes idempotency keys past their 24 hours. Lookups already ignore expired keys, so this only reclaims space and
 * may run on every node at once without harm.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ExpiredKeyCleanup {

    private static final Logger log = LoggerFactory.getLogger(ExpiredKeyCleanup.class);

    private final IdempotencyRecords records;

    ExpiredKeyCleanup(IdempotencyRecords records) {
        this.records = records;
    }

    @Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT15M")
    void deleteExpiredKeys() {
        int deleted = records.deleteExpired();
        if (deleted > 0) {
            log.debug("Deleted {} expired idempotency keys", deleted);
        }
    }
}
