package io.till.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
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
}
