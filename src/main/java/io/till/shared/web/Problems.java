package io.till.shared.web;

import io.till.shared.DatabaseOutage;
import io.till.shared.ErrorCode;
import io.till.shared.FieldError;
import io.till.shared.TillException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds Till's RFC 9457 problem details: {@code type} names the stable {@code code}, which is repeated as an extension
 * member together with the request id and, for validation failures, every bad field.
 */
@Component
public class Problems {

    /**
     * A request attribute: what Till itself says about a refusal a filter sends as an error, for the error page or
     * problem to show (never the container's message, which may quote internals).
     */
    static final String ERROR_DETAIL = Problems.class.getName() + ".errorDetail";

    private final JsonMapper json;

    Problems(JsonMapper json) {
        this.json = json;
    }

    public static ProblemDetail of(ErrorCode code, String detail) {
        return of(code, detail, List.of());
    }

    public static ProblemDetail of(ErrorCode code, String detail, List<FieldError> errors) {
        var problem = ProblemDetail.forStatusAndDetail(code.status(), detail);
        problem.setType(URI.create("urn:till:problem:" + code.code()));
        problem.setTitle(code.title());
        problem.setProperty("code", code.code());
        String requestId = RequestIdFilter.current();
        if (requestId != null) {
            problem.setProperty("request_id", requestId);
        }
        if (!errors.isEmpty()) {
            problem.setProperty("errors", errors);
        }
        return problem;
    }

    /** The answer while the database cannot be reached: nothing is wrong with the request, it may be sent again. */
    public static ProblemDetail databaseUnavailable() {
        return of(ErrorCode.DATABASE_UNAVAILABLE, "Till cannot reach its database at the moment. Try again in "
            + DatabaseOutage.RETRY_AFTER_SECONDS + " seconds.");
    }

    /** The answer when another request changed the same records at the same moment: sending it again goes through. */
    static ProblemDetail concurrentChange() {
        return of(ErrorCode.BUSY, "Another request changed the same records at the same moment, and this one was "
            + "stopped. Send it again (with the same Idempotency-Key, if it had one): nothing is done twice.");
    }

    /** The answer to a failure nobody foresaw; the log holds it under the request's id. */
    public static ProblemDetail unexpected() {
        return of(ErrorCode.INTERNAL_ERROR, "Till could not complete the request. Quote request_id when reporting it.");
    }

    /** Writes a problem straight to the response, for code that runs outside Spring MVC (filters). */
    public void write(HttpServletResponse response, ErrorCode code, String detail) throws IOException {
        write(response, of(code, detail));
    }

    /** Writes a refusal straight to the response, with its bad fields, for code that runs outside Spring MVC. */
    public void write(HttpServletResponse response, TillException refusal) throws IOException {
        write(response, of(refusal.code(), refusal.getMessage(), refusal.errors()));
    }

    /** Writes a problem straight to the response, for code that runs outside Spring MVC (filters). */
    public void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
