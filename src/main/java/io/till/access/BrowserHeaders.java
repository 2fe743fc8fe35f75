package io.till.access;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.function.Function;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.writers.CacheControlHeadersWriter;
import org.springframework.security.web.header.writers.ContentSecurityPolicyHeaderWriter;
import org.springframework.security.web.header.writers.HstsHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.header.writers.XContentTypeOptionsHeaderWriter;
import org.springframework.security.web.header.writers.XXssProtectionHeaderWriter;
import org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter;
import org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter.XFrameOptionsMode;

/**
 * The headers every answer carries, page or JSON: run only Till's own scripts and styles (the templates have no
 * inline ones, htmx comes from a webjar), never be framed, send no full address to other sites, never guess a content
 * type. The customer portal, whose pages a seller may embed, passes each account's frame ancestors per request.
 */
public final class BrowserHeaders {

    /** Nobody may frame the page: the dashboard and the API. */
    public static final String NO_FRAMING = "'none'";

    /**
     * A request attribute a page sets when it loads Stripe.js (a live store's "add a card" page in the portal): that
     * page alone may then run Stripe's script and frames and talk to Stripe's API, as Stripe documents for its CSP.
     */
    public static final String STRIPE_JS = BrowserHeaders.class.getName() + ".stripeJs";

    /**
     * The API's headers, as writers: the API's security chain writes these and nothing else, and so does the one API
     * handler that answers ahead of it ({@link ApiKeyGate}). Spring Security's defaults (no caching, no type guessing,
     * no XSS auditor, HSTS over HTTPS) and the policy of {@link #framedBy(String)} with no framing.
     */
    static final List<HeaderWriter> API = List.of(new XContentTypeOptionsHeaderWriter(),
        new XXssProtectionHeaderWriter(), new CacheControlHeadersWriter(), new HstsHeaderWriter(),
        new XFrameOptionsHeaderWriter(XFrameOptionsMode.DENY),
        new ContentSecurityPolicyHeaderWriter(policy(NO_FRAMING)),
        new ReferrerPolicyHeaderWriter(ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN));

    private BrowserHeaders() {}

    /** The API's headers ({@link #API}). */
    static Customizer<HeadersConfigurer<HttpSecurity>> api() {
        return headers -> {
            headers.defaultsDisabled();
            API.forEach(headers::addHeaderWriter);
        };
    }

    /** @param frameAncestors a CSP source list: {@code 'none'}, or origins such as {@code https://shop.example} */
    public static Customizer<HeadersConfigurer<HttpSecurity>> framedBy(String frameAncestors) {
        return headers -> {
            common(headers).contentSecurityPolicy(csp -> csp.policyDirectives(policy(frameAncestors)));
            if (NO_FRAMING.equals(frameAncestors)) {
                headers.frameOptions(HeadersConfigurer.FrameOptionsConfig::deny);
            } else {
                // X-Frame-Options knows no list of origins; frame-ancestors above is what browsers follow.
                headers.frameOptions(HeadersConfigurer.FrameOptionsConfig::disable);
            }
        };
    }

    /** As {@link #framedBy(String)}, the source list decided per request (by the account whose page it is). */
    public static Customizer<HeadersConfigurer<HttpSecurity>> framedBy(
        Function<HttpServletRequest, String> frameAncestors) {
        return headers -> common(headers).frameOptions(HeadersConfigurer.FrameOptionsConfig::disable)
            .addHeaderWriter((request, response) -> {
                String ancestors = frameAncestors.apply(request);
                response.setHeader("Content-Security-Policy", request.getAttribute(STRIPE_JS) == null
                    ? policy(ancestors)
                    : policy(ancestors).replace("script-src 'self'", "script-src 'self' https://js.stripe.com")
                        + "; frame-src https://js.stripe.com https://hooks.stripe.com"
                        + "; connect-src 'self' https://api.stripe.com");
                if (NO_FRAMING.equals(ancestors)) {
                    response.setHeader("X-Frame-Options", "DENY");
                }
            });
    }

    private static HeadersConfigurer<HttpSecurity> common(HeadersConfigurer<HttpSecurity> headers) {
        return headers.referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN))
            .contentTypeOptions(Customizer.withDefaults());
    }

    private static String policy(String frameAncestors) {
        return String.join("; ", "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
            "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors " + frameAncestors);
    }
}
