package io.till.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.TestPropertySource;

/**
 * For a {@link TillIntegrationTest} class that moves the one sandbox clock by weeks or months: it shares a database
 * only with the other such classes. Moving the clock runs every renewal and retry due in the whole database, and the
 * shared one holds every subscription the rest of the suite bought, which made each advance take seconds.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestPropertySource(properties = "till.test.database=clock")
public @interface ClockDatabase {
}
