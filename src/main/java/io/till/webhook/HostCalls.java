package io.till.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The calls this node's webhook senders have open, by host (scheme, name and port, as the HTTP client pools its
 * connections): a sender makes no more to one host than {@code most} at once, so that a receiver that hangs holds no
 * more of the senders' room than that, and no call waits for a connection to a host whose calls are all taken.
 */
final class HostCalls {

    private final int most;
    private final Map<String, Integer> open = new HashMap<>();

    HostCalls(int most) {
        this.most = most;
    }

    /** Takes one of {@code host}'s calls; false when all are open. */
    synchronized boolean take(String host) {
        int taken = open.getOrDefault(host, 0);
        if (taken >= most) {
            return false;
        }
        open.put(host, taken + 1);
        return true;
    }

    synchronized void give(String host) {
        open.computeIfPresent(host, (key, taken) -> taken > 1 ? taken - 1 : null);
    }

    /**
     * The host a call to {@code url} goes to: {@code https://example.com:443}, lower-cased, with the scheme's port when
     * the URL names none. A URL that is not one (the client refuses it without connecting) stands for itself.
     */
    static String of(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            return uri.getHost() == null ? url : scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        } catch (URISyntaxException e) {
            return url;
        }
    }
}
