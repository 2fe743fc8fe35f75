package io.till.access;

import jakarta.servlet.SessionCookieConfig;
import java.net.URI;

/**
 * How a browser session's cookie is named and flagged. Behind an HTTPS public address it is {@code __Host-<name>}:
 * always {@code Secure}, {@code Path=/}, no {@code Domain}, so no sibling subdomain can set or shadow it. Over a
 * plain-http address (a laptop's localhost) browsers refuse {@code __Host-} cookies, so the name is plain and the
 * servlet container adds {@code Secure} to requests that arrive over HTTPS all the same (as seen by
 * {@code request.isSecure()}, which follows {@code X-Forwarded-Proto} only when forward headers are trusted). Always
 * {@code HttpOnly} and {@code SameSite=Lax}. The customer portal (io.till.portal.PortalCookie) takes its own name from here.
 */
public record SessionCookie(String name, boolean alwaysSecure) {

    public static SessionCookie forPublicUrl(String baseName, String publicUrl) {
        boolean https = publicUrl != null && !publicUrl.isBlank()
            && "https".equalsIgnoreCase(URI.create(publicUrl.strip()).getScheme());
        return https ? new SessionCookie("__Host-" + baseName, true) : new SessionCookie(baseName, false);
    }

    void applyTo(SessionCookieConfig config) {
        config.setName(name);
        config.setPath("/");
        config.setHttpOnly(true);
        config.setSecure(alwaysSecure);
        config.setAttribute("SameSite", "Lax");
    }
}
