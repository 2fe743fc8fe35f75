package io.till.shared.web;

import io.till.shared.ConcurrentChange;
import io.till.shared.DatabaseOutage;
import io.till.shared.ErrorCode;
import io.till.shared.FieldError;
import io.till.shared.TillException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.BindingResult;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The one place where failures become RFC 9457 problem details with a stable {@code code}. Unexpected failures are
 * logged with their stack trace and answered with a bare 500 that reveals nothing of the server.
 */
// Before the advices of feature pages (io.till.portal.PortalFrame), which may cover REST controllers of their package.
@RestControllerAdvice(annotations = RestController.class)
@Order(Ordered.LOWEST_PRECEDENCE - 1)
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(TillException.class)
    ResponseEntity<Object> handleTill(TillException e) {
        var problem = Problems.of(e.code(), e.getMessage(), e.errors());
        e.records().forEach(problem::setProperty);
        return problem(problem, new HttpHeaders());
    }

    /** The servlet container could not read the parameters (a form body it cannot decode, too many parameters). */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Object> handleUnreadableParameters(InvalidParameterException e) {
        return problem(Problems.of(ErrorCode.MALFORMED_REQUEST, "The request's parameters could not be read: use "
            + "well-formed percent-encoded UTF-8, name=value pairs, at most 1,000 of them."), new HttpHeaders());
    }

    /**
     * A number the JSON parser could not turn into a decimal ({@code 2e4999999999999999999}: no exponent holds it),
     * which it throws as it is rather than as a parse error. Thrown anywhere else, it is a fault of Till's.
     */
    @ExceptionHandler(NumberFormatException.class)
    ResponseEntity<Object> handleUnreadableNumber(NumberFormatException e) {
        boolean parsing = Arrays.stream(e.getStackTrace())
            .anyMatch(frame -> frame.getClassName().startsWith("tools.jackson.core."));
        if (!parsing) {
            return handleUnexpected(e);
        }
        return problem(Problems.of(ErrorCode.MALFORMED_REQUEST, "The request body holds a number too large to read."),
            new HttpHeaders());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handleUnexpected(Exception e) {
        if (DatabaseOutage.explains(e)) {
            // The outage itself is logged by the background loops, the watchdog and readiness, not once per request.
            log.debug("Request refused while the database is unavailable: {}", e.toString());
            var headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, Integer.toString(DatabaseOutage.RETRY_AFTER_SECONDS));
            return problem(Problems.databaseUnavailable(), headers);
        }
        if (ConcurrentChange.explains(e)) {
            log.warn("Request stopped by a concurrent change of the same records; the client is told to send it again:"
                + " {}", e.toString());
            var headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, Integer.toString(ConcurrentChange.RETRY_AFTER_SECONDS));
            return problem(Problems.concurrentChange(), headers);
        }
        log.error("Request failed unexpectedly", e);
        return problem(Problems.unexpected(), new HttpHeaders());
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
        HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return problem(invalid(fieldErrors(e.getBindingResult())), headers);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
        HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        var errors = new ArrayList<FieldError>();
        e.getParameterValidationResults().forEach(result -> {
            String name = result.getMethodParameter().getParameterName();
            result.getResolvableErrors()
                .forEach(error -> errors.add(new FieldError(JsonNames.snakeCase(name), "invalid", message(error))));
        });
        return problem(invalid(errors), headers);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException e,
        HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return problem(invalid(List.of(new FieldError(e.getParameterName(), "required", "is required"))), headers);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> handleTypeMismatch(MethodArgumentTypeMismatchException e) {
        return problem(invalid(List.of(new FieldError(e.getName(), "invalid_type", "must be " + expected(e
            .getRequiredType())))), new HttpHeaders());
    }

    /** A parameter's type as a client reads it: "a whole number", never a Java type's name. */
    private static String expected(Class<?> type) {
        if (type == null) {
            return "a value of another kind";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            return "one of "
                + Arrays.stream(type.getEnumConstants()).map(c -> c.toString().toLowerCase(Locale.ROOT)).toList();
        }
        return "a value of another kind";
    }

    /** How Jackson begins the message of a field sent twice in one object (StreamReadFeature.STRICT_DUPLICATE_DETECTION). */
    private static final String DUPLICATE = "Duplicate Object property";

    private static final Set<Class<?>> WHOLE_NUMBERS = Set.of(int.class, Integer.class, long.class, Long.class,
        short.class, Short.class);

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
        HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof TillException refusal) {
            // Raised while the body was read (it grew past the size limit): the refusal itself, not a parse error.
            return handleTill(refusal);
        }
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return problem(invalid(List.of(new FieldError(JsonNames.path(unknown), "unknown_field",
                "is not a field of this request"))), headers);
        }
        if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()
            && WHOLE_NUMBERS.contains(mismatch.getTargetType())) {
            String field = JsonNames.path(mismatch);
            // Only an amount is told about minor units: a percent or a count of 12.5 is no amount of cents.
            return problem(invalid(List.of(new FieldError(field, "invalid_type", "must be a whole number, not text or "
                + "a fraction" + (field.substring(field.lastIndexOf('.') + 1).contains("amount")
                    ? "; an amount is in the currency's minor unit (1999 for 19.99)"
                    : "")))),
                headers);
        }
        if (cause instanceof java.time.DateTimeException && bound(e) instanceof DatabindException moment
            && !moment.getPath().isEmpty()) {
            return problem(invalid(List.of(new FieldError(JsonNames.path(moment), "invalid_format",
                "must be a moment with its offset, in the years 1 to 9999, such as 2030-01-01T00:00:00Z"))), headers);
        }
        if (cause instanceof DatabindException mismatch && !mismatch.getPath().isEmpty()) {
            return problem(invalid(List.of(new FieldError(JsonNames.path(mismatch), "invalid_type",
                "has the wrong type or format"))), headers);
        }
        if (cause instanceof InputCoercionException overflow) {
            String field = !overflow.getPath().isEmpty()
                ? JsonNames.path(overflow)
                : overflow.processor() != null ? JsonNames.path(overflow.processor().streamReadContext()) : "body";
            if (!field.equals("body")) {
                return problem(invalid(List.of(new FieldError(field, "out_of_range",
                    "is a number out of the range of this field"))), headers);
            }
        }
        // Jackson's own words for a limit or an overflow name its Java internals: said plainly instead.
        String detail = switch (cause) {
            case DatabindException ignored ->
                "The request body has the wrong shape: this endpoint takes a JSON object.";
            case StreamConstraintsException ignored ->
                "The request body is nested too deeply or holds a value too long "
                    + "to read.";
            case InputCoercionException ignored -> "The request body holds a number out of the range of its field.";
            case StreamReadException twice when twice.getOriginalMessage().startsWith(DUPLICATE) ->
                "The request body sends the field " + twice.getOriginalMessage().substring(DUPLICATE.length()).strip()
                    + " twice in one object: send each field once.";
            case JacksonException json -> "The request body is not valid JSON: " + plainly(json);
            default -> "The request body is missing or unreadable.";
        };
        return problem(Problems.of(ErrorCode.MALFORMED_REQUEST, detail), headers);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
        HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail problem && problem.getProperties() != null
            && problem.getProperties().containsKey("code")) {
            return problem(problem, headers);
        }
        ErrorCode code = switch (e) {
            case NoResourceFoundException ignored -> ErrorCode.ROUTE_NOT_FOUND;
            case HttpRequestMethodNotSupportedException ignored -> ErrorCode.METHOD_NOT_ALLOWED;
            case HttpMediaTypeNotSupportedException ignored -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case HttpMediaTypeNotAcceptableException ignored -> ErrorCode.NOT_ACCEPTABLE;
            default -> ErrorCodes.forStatus(status.value());
        };
        String detail = body instanceof ProblemDetail problem && problem.getDetail() != null
            ? problem.getDetail()
            : code.title() + ".";
        if (code == ErrorCode.INTERNAL_ERROR) {
            log.error("Request failed unexpectedly", e);
            detail = "Till could not complete the request. Quote request_id when reporting it.";
        }
        return problem(Problems.of(code, detail), headers);
    }

    /**
     * Jackson's message without what names its internals ("start marker at [Source: REDACTED
     * (StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION disabled); byte offset: #UNKNOWN]"), and where the text broke.
     */
    static String plainly(JacksonException json) {
        String message = json.getOriginalMessage() == null ? "unreadable" : json.getOriginalMessage();
        for (String internals : List.of(" (start marker at", " at [Source", "\n at [Source", "[Source:")) {
            int at = message.indexOf(internals);
            if (at >= 0) {
                message = message.substring(0, at);
            }
        }
        message = message.strip();
        if (message.endsWith(":")) {
            message = message.substring(0, message.length() - 1);
        }
        var location = json.getLocation();
        return location != null && location.getLineNr() > 0
            ? message + " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")"
            : message;
    }

    private static ProblemDetail invalid(List<FieldError> errors) {
        return Problems.of(ErrorCode.VALIDATION_FAILED, TillException.invalid(errors).getMessage(), errors);
    }

    private static List<FieldError> fieldErrors(BindingResult result) {
        var errors = new ArrayList<FieldError>();
        result.getFieldErrors()
            .forEach(error -> errors
                .add(new FieldError(JsonNames.snakeCase(error.getField()), reason(error.getCode()),
                    message(error))));
        result.getGlobalErrors()
            .forEach(error -> errors
                .add(new FieldError(error.getObjectName(), reason(error.getCode()), message(error))));
        return errors;
    }

    private static String message(MessageSourceResolvable error) {
        return error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage();
    }

    /** Bean Validation constraint names, spoken as stable snake_case reasons ({@code NotBlank} → {@code required}). */
    private static String reason(String constraint) {
        if (constraint == null) {
            return "invalid";
        }
        return switch (constraint) {
            case "NotNull", "NotBlank", "NotEmpty" -> "required";
            case "Size", "Length" -> "invalid_length";
            case "Min", "Max", "Positive", "PositiveOrZero", "Negative", "DecimalMin", "DecimalMax" -> "out_of_range";
            case "Email" -> "invalid_email";
            case "Pattern" -> "invalid_format";
            default -> constraint.chars()
                .mapToObj(c -> Character.isUpperCase(c)
                    ? "_" + Character.toLowerCase((char) c)
                    : String.valueOf((char) c))
                .collect(Collectors.joining())
                .replaceFirst("^_", "");
        };
    }

    private static ResponseEntity<Object> problem(ProblemDetail problem, HttpHeaders headers) {
        return ResponseEntity.status(problem.getStatus())
            .headers(headers)
            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .body(problem);
    }

    /** The binding failure in a body's failure chain (Jackson wraps a date's own parse error in one), if any. */
    private static DatabindException bound(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DatabindException databind) {
                return databind;
            }
        }
        return null;
    }
}
