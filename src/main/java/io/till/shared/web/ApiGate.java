package io.till.shared.web;

import io.till.shared.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;

/**
 * What the API's security chain does for a request before any handler runs, for a handler that answers ahead of that
 * chain (a posted event, the hottest request there is: see io.till.event.PostedEventShortcut). Whatever this gate does
 * not accept goes on to the chain itself, which answers it as it answers any request.
 */
public interface ApiGate {

    /**
     * The caller named by a valid, unrevoked API key in {@code Authorization: Bearer …}; empty for a request without
     * one, a malformed, unknown or revoked key (the chain refuses those with the precise reason).
     */
    Optional<Caller> caller(HttpServletRequest request);

    /** Writes the headers every answer of the API carries, exactly as the API's security chain writes them. */
    void writeHeaders(HttpServletRequest request, HttpServletResponse response);
}
