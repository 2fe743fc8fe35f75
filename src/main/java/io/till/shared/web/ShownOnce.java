package io.till.shared.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A component of a response record that holds a secret shown only in this answer (a new API key, a webhook signing
 * secret). Whatever keeps responses (the Idempotency-Key store) keeps it as null, so a replay never repeats it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface ShownOnce {
}
