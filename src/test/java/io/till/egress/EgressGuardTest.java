package io.till.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one resolve-and-check every protocol uses, and the sockets it hands to protocols other than HTTP. */
class EgressGuardTest {

    ServerSocketChannel listener;

    @BeforeEach
    void listen() throws IOException {
        // Every local address, IPv4 and IPv6: whichever loopback form a socket reaches, it lands here.
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(0));
        listener.configureBlocking(false);
    }

    @AfterEach
    void close() throws IOException {
        listener.close();
    }

    int port() throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    static EgressGuard guard(String allow) {
        return new EgressGuard(new EgressSettings(allow, Duration.ofSeconds(2), Duration.ofSeconds(30)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "0.0.0.0", "[::ffff:127.0.0.1]", "::ffff:127.0.0.1", "2130706433", "127.1",
            "[::1]", "127.0.0.2", "10.1.2.3", "169.254.169.254", "[fe80::1]"})
    void aGuardedSocketNeverConnectsToAReservedAddress(String host) throws IOException {
        var sockets = guard("").socketFactory();

        try (Socket socket = sockets.createSocket()) {
            assertThatThrownBy(() -> socket.connect(new InetSocketAddress(host, port()), 2000))
                .isInstanceOf(RefusedDestination.class);
        }
        assertThatThrownBy(() -> sockets.createSocket(host, port())).isInstanceOf(RefusedDestination.class);
        assertThat(listener.accept()).as("a connection reached the listener").isNull();
    }

    @Test
    void aGuardedSocketReachesAnAllowedAddressByName() throws IOException {
        try (Socket socket = guard("127.0.0.1/32").socketFactory().createSocket("localhost", port());
            var accepted = listener.accept()) {
            assertThat(socket.isConnected()).isTrue();
            assertThat(accepted).isNotNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "[::ffff:127.0.0.1]", "2130706433", "localhost", "LOCALHOST", "db.localhost",
            "[::1]", "10.0.0.1", "192.168.1.10", "0x7f000001", "017700000001", "0177.0.0.1", "127.1", "0x7f.1",
            "localhost.", "127.0.0.1.", "[fe80::1%lo]", "[fe80::1%25lo]", "[2002:7f00:1::]"})
    void aReservedAddressAsWrittenIsRefusedWhenSaved(String host) {
        assertThat(guard("").savedHostRefusal(host)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.1:8384/", "http://0x7f.1/", "https://user@127.1/x", "http://[2002:7f00:1::]/",
            "http://127.0.0.2:9/x", "http://2130706433/"})
    void aUrlWhoseHostIsAReservedAddressAsWrittenIsRefusedWhenSavedEvenWhereUriReadsNoHost(String url) {
        assertThat(guard("").savedUrlRefusal(url)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.slack.com/services/T/B/X", "http://8.8.8.8:8080/", "not a url", "",
            "javascript:alert(1)"})
    void aUrlAimedAtAPublicAddressOrANameOrNoHostAtAllIsLeftToTheOtherChecks(String url) {
        assertThat(guard("").savedUrlRefusal(url)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"smtp.example.com", "8.8.8.8", "[2001:4860:4860::8888]"})
    void aPublicAddressOrAnyNameIsLeftForTheCheckWhenConnecting(String host) {
        assertThat(guard("").savedHostRefusal(host)).isEmpty();
    }

    @Test
    void anAllowedRangeMaySaveItsAddresses() {
        assertThat(guard("127.0.0.1/32").savedHostRefusal("127.0.0.1")).isEmpty();
        assertThat(guard("127.0.0.1/32").savedHostRefusal("127.0.0.2")).isPresent();
    }

    @Test
    void aRefusedDestinationSaysWhichAddressAndRangeInASentence() {
        assertThatThrownBy(() -> guard("").resolve("127.0.0.1")).isInstanceOf(RefusedDestination.class)
            .hasMessage("127.0.0.1 is in the reserved range 127.0.0.0/8");
        assertThatThrownBy(() -> guard("").resolve("[::1]")).isInstanceOf(RefusedDestination.class)
            .hasMessage("::1 is in the reserved range ::1/128");
        assertThat(guard("").savedHostRefusal("10.0.0.1")).hasValueSatisfying(
            message -> assertThat(message).contains("(10.0.0.1 is in the private range 10.0.0.0/8)"));
    }

    @Test
    void anEmptyHostIsNotTakenForTheLoopback() {
        assertThatThrownBy(() -> guard("127.0.0.1/32").resolve(" ")).isInstanceOf(java.net.UnknownHostException.class)
            .isNotInstanceOf(RefusedDestination.class);
    }
}
