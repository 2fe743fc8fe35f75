package io.till.shared;

import java.net.URI;
import java.net.URISyntaxException;

/** How a credential is shown once stored: enough to recognise it, never enough to use it. */
public final class SecretMasks {

    public static final String MASK = "****";

    private SecretMasks() {}

    /**
     * A URL that is itself the credential (a Slack incoming webhook): its scheme, host and port, first path segment and the
     * first letter of the second ({@code https://hooks.slack.com/services/T…/…/****}). Anything that is not an
     * absolute URL is {@link #MASK} alone.
     */
    public static String url(String secret) {
        try {
            URI uri = new URI(secret);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return MASK;
            }
            // The port stays (it tells two receivers on one host apart); user info never shows.
            var masked = new StringBuilder(uri.getScheme()).append("://").append(uri.getHost());
            if (uri.getPort() != -1) {
                masked.append(':').append(uri.getPort());
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("^/+", "");
            String[] segments = path.isEmpty() ? new String[0] : path.split("/+");
            if (segments.length > 1) {
                masked.append('/').append(segments[0]);
                for (int i = 1; i < segments.length - 1; i++) {
                    masked.append('/').append(i == 1 && !segments[i].isEmpty() ? segments[i].charAt(0) + "…" : "…");
                }
            }
            return masked.append('/').append(MASK).toString();
        } catch (URISyntaxException e) {
            return MASK;
        }
    }
}
