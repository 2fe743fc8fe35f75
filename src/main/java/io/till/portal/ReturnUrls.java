package io.till.portal;

import java.net.URI;
import java.net.URISyntaxException;

/** The seller's page a portal session leads back to. */
final class ReturnUrls {

    private ReturnUrls() {}

    static boolean isAcceptable(String value) {
        if (value.length() > 2000) {
            return false;
        }
        try {
            URI uri = new URI(value);
            return ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                && uri.getHost() != null && uri.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
