package io.till.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * Stops what a finished test class left running in the shared database: its subscriptions' and plans' billing jobs
 * and its automations' schedules. The sandbox test clock is Till-wide, so without this every later advance renews
 * every earlier class's subscriptions too (measured: about 115 leftover accounts billed monthly by the end of the
 * suite, 9,500 billing jobs of which most belonged to finished classes; one late class took 84 s instead of 15 s).
 * Classes run one after another and each isolates itself by opening its own accounts, so when a class ends, all the
 * database's pending work belongs to classes that are done.
 */
public final class LeftoverWork implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        // A @Nested class's outer class is still running; a @DirtiesContext class's database is closed with it.
        if (testClass.getEnclosingClass() != null || testClass.isAnnotationPresent(DirtiesContext.class)) {
            return;
        }
        var db = SpringExtension.getApplicationContext(context).getBean(JdbcClient.class);
        db.sql("DELETE FROM billing_jobs WHERE done_at IS NULL").update();
        db.sql("DELETE FROM automation_schedules").update();
    }
}
