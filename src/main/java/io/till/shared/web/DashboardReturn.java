package io.till.shared.web;

import java.net.URI;

/**
 * Where a dashboard control sends the staff member back to: the page it was used on (its {@code Referer}), but only a
 * path of the dashboard, so that a crafted Referer can never turn the redirect into a way off the site.
 */
public final class DashboardReturn {

    private DashboardReturn() {}

    /** The dashboard path (with its query) the Referer names, else the dashboard's home. */
    public static String to(String referer) {
        if (referer != null) {
            try {
                URI uri = URI.create(referer);
                String path = uri.getRawPath();
                if (path != null && (path.equals("/admin") || path.startsWith("/admin/"))) {
                    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
                }
            } catch (IllegalArgumentException e) {
                // A malformed Referer: the dashboard's home.
            }
        }
        return "/admin";
    }
}
