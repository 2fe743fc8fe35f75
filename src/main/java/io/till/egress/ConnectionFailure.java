package io.till.egress;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Why an outbound connection failed, each kind told in one fixed sentence. What a peer said (an SMTP banner, an error
 * page, a TLS alert's text) never reaches a message: aimed at an internal service, that text is what an attacker would
 * come to read.
 */
public enum ConnectionFailure {
    BLOCKED("Till does not connect to this address: it is loopback, private, link-local or otherwise reserved "
        + "(TILL_EGRESS_ALLOW lists ranges that may be reached)."),
    UNKNOWN_HOST("The host name does not resolve."),
    REFUSED("The server refused the connection."),
    TIMED_OUT("The server did not answer in time."),
    TLS_FAILED("The TLS handshake failed: the server's certificate or protocol was not accepted."),
    TLS_BROKEN("The secure connection failed: the server did not speak TLS, or the connection broke off."),
    AUTH_FAILED("The server refused the credentials."),
    PROTOCOL("The server did not answer as expected."),
    UNREACHABLE("The connection failed."),
    BUSY("Till was already making as many calls to this host at once as it makes (10): this one was not sent, and "
        + "is tried again later.");

    /**
     * The kinds of failure that come before a request leaves Till: whatever it asked was not done. A TLS failure only
     * when it is the handshake's (no request is written before it ends): one later may come after the request.
     */
    private static final Set<ConnectionFailure> NOTHING_SENT = java.util.EnumSet.of(BLOCKED, UNKNOWN_HOST, REFUSED,
        TLS_FAILED, UNREACHABLE, BUSY);

    private final String sentence;

    ConnectionFailure(String sentence) {
        this.sentence = sentence;
    }

    public String sentence() {
        return sentence;
    }

    /**
     * Whether the request surely never reached the server: no connection was made (or none given to it), so the next
     * attempt cannot repeat it. Not a timeout, which may come after the server acted.
     */
    public boolean nothingSent() {
        return NOTHING_SENT.contains(this);
    }

    /**
     * The kind of a failure: {@link #BLOCKED} when the guard's refusal is anywhere in its chain (a refused destination
     * is never worth trying again, whatever it is wrapped in or wraps), else the innermost cause that says (libraries
     * wrap a timeout in a generic "cannot connect"), except under the JDK's HTTP client's timeout, whose word counts
     * (it says a connect timed out by wrapping the {@link ConnectException} it met); {@link #PROTOCOL} when none is a
     * network failure: the peer answered, but not as it should have.
     */
    public static ConnectionFailure of(Throwable failure) {
        ConnectionFailure found = PROTOCOL;
        boolean saidByTheHttpClient = false;
        for (Throwable t : chain(failure)) {
            ConnectionFailure kind = kindOf(t);
            if (kind == BLOCKED) {
                return BLOCKED;
            }
            if (kind != null && !saidByTheHttpClient) {
                found = kind;
            }
            saidByTheHttpClient |= t instanceof HttpTimeoutException;
        }
        return found;
    }

    /** The egress guard's refusal, wherever it sits in the failure's chain of causes. */
    public static Optional<RefusedDestination> refusal(Throwable failure) {
        for (Throwable t : chain(failure)) {
            if (t instanceof RefusedDestination refused) {
                return Optional.of(refused);
            }
        }
        return Optional.empty();
    }

    /** The failure and its causes, outermost first; a cause met again ends it. */
    private static List<Throwable> chain(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        var chain = new ArrayList<Throwable>();
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static ConnectionFailure kindOf(Throwable t) {
        return switch (t) {
            case RefusedDestination refused -> BLOCKED;
            case org.apache.hc.core5.http.ConnectionRequestTimeoutException busy -> BUSY;
            case HostSlots.Busy busy -> BUSY;
            case UnknownHostException unknown -> UNKNOWN_HOST;
            case ConnectException refused -> REFUSED;
            case NoRouteToHostException unreachable -> UNREACHABLE;
            case InterruptedIOException timedOut -> TIMED_OUT;
            // The JDK's HTTP client's (Stripe's calls): no answer, or no connection, in time.
            case HttpTimeoutException timedOut -> TIMED_OUT;
            case SSLHandshakeException handshake -> TLS_FAILED;
            case SSLException tls -> TLS_BROKEN;
            default -> null;
        };
    }
}
