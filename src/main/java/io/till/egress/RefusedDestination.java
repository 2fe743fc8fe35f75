package io.till.egress;

import java.net.UnknownHostException;

/**
 * A destination the egress guard refused. An {@link UnknownHostException}, so that the HTTP client and the mail
 * library pass it on unchanged, as they would a name that does not resolve.
 */
public final class RefusedDestination extends UnknownHostException {

    RefusedDestination(String message) {
        super(message);
    }
}
