package io.till.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLProtocolException;
import org.junit.jupiter.api.Test;

class ConnectionFailureTest {

    private static RefusedDestination refusal() {
        return new RefusedDestination("10.0.0.1 is a private address");
    }

    @Test
    void aRefusalAnywhereInTheChainIsBlocked() {
        var wrapped = new IOException("cannot connect", refusal());
        var asTimeout = new SocketTimeoutException("connect timed out");
        asTimeout.initCause(refusal());
        var overATimeout = refusal();
        overATimeout.initCause(new SocketTimeoutException("connect timed out"));

        assertThat(ConnectionFailure.of(wrapped)).isEqualTo(ConnectionFailure.BLOCKED);
        assertThat(ConnectionFailure.of(asTimeout)).isEqualTo(ConnectionFailure.BLOCKED);
        assertThat(ConnectionFailure.of(overATimeout)).as("the refusal, though a timeout lies under it")
            .isEqualTo(ConnectionFailure.BLOCKED);
        assertThat(ConnectionFailure.refusal(wrapped)).isPresent();
    }

    @Test
    void otherwiseTheInnermostNetworkFailureSays() {
        var unknown = new IOException("cannot connect", new UnknownHostException("nowhere.example"));
        var timedOut = new IOException("cannot connect", new SocketTimeoutException("read timed out"));

        assertThat(ConnectionFailure.of(unknown)).isEqualTo(ConnectionFailure.UNKNOWN_HOST);
        assertThat(ConnectionFailure.of(timedOut)).isEqualTo(ConnectionFailure.TIMED_OUT);
        assertThat(ConnectionFailure.of(new IOException("garbled"))).isEqualTo(ConnectionFailure.PROTOCOL);
        assertThat(ConnectionFailure.refusal(unknown)).isEmpty();
    }

    /** A reviewer's: a TLS failure after the request went out was taken as one before anything was sent. */
    /** The JDK's HTTP client says a connect timed out by wrapping the ConnectException it met: a timeout, not a refusal. */
    @Test
    void theHttpClientsConnectTimeoutIsATimeoutWhateverItWraps() {
        var connectTimedOut = new java.net.http.HttpConnectTimeoutException("HTTP connect timed out");
        connectTimedOut.initCause(new java.net.ConnectException("HTTP connect timed out"));

        assertThat(ConnectionFailure.of(connectTimedOut)).isEqualTo(ConnectionFailure.TIMED_OUT);
        assertThat(ConnectionFailure.of(new java.net.ConnectException("Connection refused")))
            .isEqualTo(ConnectionFailure.REFUSED);
    }

    @Test
    void onlyAFailedHandshakeSaysNothingWasSent() {
        var handshake = new IOException("cannot connect", new SSLHandshakeException("certificate_unknown"));
        var afterwards = new IOException("read failed", new SSLProtocolException("bad record MAC"));
        var alert = new SSLException("Received fatal alert: internal_error");

        assertThat(ConnectionFailure.of(handshake)).isEqualTo(ConnectionFailure.TLS_FAILED);
        assertThat(ConnectionFailure.of(handshake).nothingSent()).isTrue();
        assertThat(ConnectionFailure.of(afterwards)).isEqualTo(ConnectionFailure.TLS_BROKEN);
        assertThat(ConnectionFailure.of(afterwards).nothingSent()).isFalse();
        assertThat(ConnectionFailure.of(alert).nothingSent()).isFalse();
    }
}
