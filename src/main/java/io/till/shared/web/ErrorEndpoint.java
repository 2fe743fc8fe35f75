package io.till.shared.web;

import io.till.shared.ErrorCode;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * Answers failures that happen outside a REST controller (in a filter, in a dashboard page, or rejected by the servlet
 * container): a problem detail for API clients, a plain page for browsers; never a stack trace.
 */
@Controller
class ErrorEndpoint implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ErrorEndpoint.class);
    private static final Pattern PORTAL = Pattern.compile("/portal/acct_[a-z0-9]+");

    @RequestMapping(path = "/error", produces = MediaType.TEXT_HTML_VALUE)
    String page(HttpServletRequest request, HttpServletResponse response, Model model) {
        ErrorCode code = describe(request);
        response.setStatus(status(request));
        model.addAttribute("status", status(request));
        model.addAttribute("title", code.title());
        model.addAttribute("requestId", RequestIdFilter.current());
        model.addAttribute("detail", request.getAttribute(Problems.ERROR_DETAIL));
        model.addAttribute("back", back(request));
        return "error";
    }

    @RequestMapping("/error")
    @ResponseBody
    ResponseEntity<ProblemDetail> problem(HttpServletRequest request) {
        return ResponseEntity.status(status(request))
            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .body(problem(request, describe(request)));
    }

    /** Where the page leads back to: a buyer to their store's portal, staff to the dashboard. */
    private static String back(HttpServletRequest request) {
        var matcher = PORTAL.matcher(String.valueOf(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI)));
        return matcher.lookingAt() ? matcher.group() : "/admin";
    }

    private static ProblemDetail problem(HttpServletRequest request, ErrorCode code) {
        var problem = Problems.of(code, request.getAttribute(Problems.ERROR_DETAIL) instanceof String detail
            ? detail
            : code.title() + ".");
        problem.setStatus(status(request));
        // Forwarded here, the request's own path would read /error: name the one the client asked for.
        if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String asked) {
            try {
                problem.setInstance(java.net.URI.create(asked));
            } catch (IllegalArgumentException e) {
                // A path that is no URI keeps Spring's default instance.
            }
        }
        return problem;
    }

    private static ErrorCode describe(HttpServletRequest request) {
        int status = status(request);
        if (status >= 500 && request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable failure) {
            // The servlet container has logged the stack trace; this line ties it to the request id.
            log.error("Request to {} failed unexpectedly: {}",
                request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI),
                failure.toString());
        }
        return ErrorCodes.forStatus(status);
    }

    /** The failure's status; asked for by itself, not as a failure's answer, this path is no page at all. */
    private static int status(HttpServletRequest request) {
        if (request.getDispatcherType() != DispatcherType.ERROR) {
            return HttpServletResponse.SC_NOT_FOUND;
        }
        return request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer value ? value : 500;
    }
}
