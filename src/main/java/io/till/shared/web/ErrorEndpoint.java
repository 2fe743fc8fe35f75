package io.till.shared.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers failures that happen outside Spring MVC (in a filter, or rejected by the servlet container) in the same
 * problem format as everything else, without a stack trace.
 */
@RestController
class ErrorEndpoint implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ErrorEndpoint.class);

    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int code = status instanceof Integer value ? value : 500;
        var errorCode = ErrorCodes.forStatus(code);
        if (code >= 500 && request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable failure) {
            log.error("Request to {} failed unexpectedly", request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI),
                    failure);
        }
        var problem = Problems.of(errorCode, errorCode.title() + ".");
        problem.setStatus(code);
        return ResponseEntity.status(code).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
