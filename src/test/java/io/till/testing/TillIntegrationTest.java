package io.till.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * The whole application on a random port, on an embedded PostgreSQL of its own (one per test run: every test class with
 * this annotation shares the context). Tests isolate themselves by creating their own accounts; when a class ends, the
 * work it left due later is dropped ({@link LeftoverWork}); the databases earlier runs left behind are deleted as the
 * first class begins ({@link LeftoverDatabases}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "till.database.data-dir=target/test-data/${random.uuid}",
        // The one place durability is traded for speed: this database is thrown away after the run.
        "till.database.embedded-durable=false",
        // Tests send dozens of requests at once to see them all answered, on a machine shared with other builds: they
        // wait for their turn rather than be told Till is busy after production's 2 s (BusyRequestsTest checks that).
        "till.database.request-queue-timeout=60s",
        "till.bootstrap.admin-email=owner@till.test",
        "till.bootstrap.admin-password=correct horse battery",
        "till.billing.clock-enabled=false", "till.master-key=ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=",
        "till.automation.workers-enabled=false",
        // test.stuck blocks until its test releases it: its cap stops it first (ActionTimeoutTest).
        "till.automation.action-timeouts[test.stuck]=50ms",
        "till.webhooks.workers-enabled=false", "till.egress.allow=127.0.0.1/32"})
@ExtendWith({LeftoverDatabases.class, LeftoverWork.class})
@Import({TestApplicationConfiguration.class, ConnectionNestingGuard.class, Api.class, TestAccounts.class,
        TestEndpoints.class, TestPages.class, Shops.class,
        TestActions.class})
public @interface TillIntegrationTest {
}
