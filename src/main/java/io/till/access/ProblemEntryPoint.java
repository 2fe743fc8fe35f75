package io.till.access;

import io.till.shared.ErrorCode;
import io.till.shared.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.stereotype.Component;

/** Answers unauthenticated API requests with a 401 problem detail and the RFC 6750 challenge. */
@Component
class ProblemEntryPoint implements AuthenticationEntryPoint {

    private final Problems problems;

    ProblemEntryPoint(Problems problems) {
        this.problems = problems;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
        throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"till\"");
        problems.write(response, ErrorCode.API_KEY_MISSING,
            "This endpoint needs an API key: send 'Authorization: Bearer <api key>'.");
    }

    void reject(HttpServletResponse response, ErrorCode code, String detail) throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"till\", error=\"invalid_token\"");
        problems.write(response, code, detail);
    }
}
