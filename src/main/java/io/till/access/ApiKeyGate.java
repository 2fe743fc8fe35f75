package io.till.access;

import io.till.account.ApiKeys;
import io.till.shared.Caller;
import io.till.shared.web.ApiGate;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * The API door of {@link SecurityConfiguration} for a handler that answers ahead of it: the same key check as
 * {@link ApiKeyAuthenticationFilter} (which refuses, with the reason, every key this gate does not accept), the same
 * headers ({@link BrowserHeaders#API}).
 */
@Component
class ApiKeyGate implements ApiGate {

    private final ApiKeys apiKeys;

    ApiKeyGate(ApiKeys apiKeys) {
        this.apiKeys = apiKeys;
    }

    @Override
    public Optional<Caller> caller(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, ApiKeyAuthenticationFilter.BEARER, 0,
            ApiKeyAuthenticationFilter.BEARER.length())) {
            return Optional.empty();
        }
        var verdict = apiKeys.authenticate(ApiKeyAuthenticationFilter.presentedKey(header));
        // A request handed on to the API chain is not looked up twice (an unknown key is never cached).
        request.setAttribute(ApiKeyAuthenticationFilter.VERDICT, verdict);
        return switch (verdict) {
            case ApiKeys.Authentication.Accepted accepted -> Optional.of(accepted.caller());
            case ApiKeys.Authentication.Rejected ignored -> Optional.empty();
        };
    }

    @Override
    public void writeHeaders(HttpServletRequest request, HttpServletResponse response) {
        BrowserHeaders.API.forEach(writer -> writer.writeHeaders(request, response));
    }
}
