package io.till.access;

import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * The headers every answer carries, page or JSON: run only Till's own scripts and styles (the templates have no
 * inline ones, htmx comes from a webjar), never be framed, send no full address to other sites, never guess a content
 * type. A chain whose pages may be embedded (the customer portal, later) passes its configured frame ancestors.
 */
final class BrowserHeaders {

    /** Nobody may frame the page: the dashboard and the API. */
    static final String NO_FRAMING = "'none'";

    private BrowserHeaders() {}

    /** @param frameAncestors a CSP source list: {@code 'none'}, or origins such as {@code https://shop.example} */
    static Customizer<HeadersConfigurer<HttpSecurity>> framedBy(String frameAncestors) {
        String policy = String.join("; ", "default-src 'self'", "script-src 'self'", "style-src 'self'",
            "img-src 'self' data:", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
            "frame-ancestors " + frameAncestors);
        return headers -> {
            headers.contentSecurityPolicy(csp -> csp.policyDirectives(policy))
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN))
                .contentTypeOptions(Customizer.withDefaults());
            if (NO_FRAMING.equals(frameAncestors)) {
                headers.frameOptions(HeadersConfigurer.FrameOptionsConfig::deny);
            } else {
                // X-Frame-Options knows no list of origins; frame-ancestors above is what browsers follow.
                headers.frameOptions(HeadersConfigurer.FrameOptionsConfig::disable);
            }
        };
    }
}
