package io.till.shared;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Marks the {@link java.time.Clock} of the real time, which the sandbox test clock never moves: for what an outside
 * party checks against its own clock, such as a webhook's {@code webhook-timestamp}, an API key's last use, or how long
 * an idempotency key is kept. Every other decision reads the sandbox's {@link TillClock}.
 */
@Qualifier
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface RealTime {
}
