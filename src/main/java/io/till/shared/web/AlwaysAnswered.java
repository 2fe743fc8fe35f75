package io.till.shared.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A boxed component of a record that is both a request body and an answer (the portal settings a PUT takes and a GET
 * answers): a request may leave it out (null: its default), while every answer holds a value. The answer's schema then
 * does not mark it nullable, as it would any other boxed component ({@link RecordShapes}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface AlwaysAnswered {
}
