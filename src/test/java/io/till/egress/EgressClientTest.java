package io.till.egress;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.till.egress.EgressClient.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EgressClientTest {

    HttpServer server;
    final AtomicInteger hits = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void startReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ok", exchange -> {
            hits.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes(StandardCharsets.UTF_8));
            exchange.close();
        });
        server.createContext("/method", exchange -> {
            hits.incrementAndGet();
            byte[] echo = (exchange.getRequestMethod() + ":" + new String(exchange.getRequestBody().readAllBytes(),
                StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, echo.length);
            exchange.getResponseBody().write(echo);
            exchange.close();
        });
        server.createContext("/redirect", exchange -> {
            hits.incrementAndGet();
            exchange.getResponseHeaders().add("Location", "/ok");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/large", exchange -> {
            hits.incrementAndGet();
            byte[] chunk = "x".repeat(16 * 1024).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, 0);
            try (var out = exchange.getResponseBody()) {
                for (int i = 0; i < 40; i++) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // The client hung up after what it reads: expected.
            }
        });
        server.createContext("/silent", exchange -> {
            hits.incrementAndGet();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.createContext("/trickle", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(200, 0);
            try (var out = exchange.getResponseBody()) {
                // A byte every 200 ms, each well within the read timeout: 30 bytes take 6 s, unless released.
                for (int i = 0; i < 30 && !release.await(200, TimeUnit.MILLISECONDS); i++) {
                    out.write('x');
                    out.flush();
                }
            } catch (IOException e) {
                // The client hung up: expected.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    @AfterEach
    void stopReceiver() {
        release.countDown();
        server.stop(0);
    }

    String local(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    static EgressClient client(String allow, Duration timeout) {
        var settings = new EgressSettings(allow, timeout, Duration.ofSeconds(30));
        return new EgressClient(new EgressGuard(settings), settings);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
            "100.64.0.1", "0.0.0.0", "224.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "[::ffff:169.254.169.254]",
            "[fe80::1]", "[fc00::1]", "[::]"})
    void refusesDestinationsThatResolveToReservedAddresses(String host) {
        var refusing = client("", Duration.ofSeconds(2));

        var outcome = refusing.post("http://" + host + ":" + server.getAddress().getPort() + "/ok", Map.of(),
            new byte[0], "application/json");

        assertThat(outcome).isInstanceOf(Outcome.Refused.class);
        assertThat(hits).hasValue(0);
    }

    @Test
    void reachesAnAllowedRangeAndReadsTheAnswer() {
        var allowing = client("127.0.0.1/32", Duration.ofSeconds(5));

        var outcome = allowing.post(local("/ok"), Map.of("webhook-id", "msg_1"), "{}".getBytes(StandardCharsets.UTF_8),
            "application/json");

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Answered.class, answered -> {
            assertThat(answered.status()).isEqualTo(200);
            assertThat(answered.body()).isEqualTo("ok");
        });
        assertThat(hits).hasValue(1);
    }

    @Test
    void sendsAnyMethodWithABodyOnlyWhenGivenOne() {
        var allowing = client("127.0.0.1/32", Duration.ofSeconds(5));

        var patched = allowing.send("PATCH", local("/method"), Map.of(), "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
            "application/json");
        var deleted = allowing.send("DELETE", local("/method"), Map.of(), null, null);
        var refused = client("", Duration.ofSeconds(2)).send("GET", local("/method"), Map.of(), null, null);

        assertThat(patched).isInstanceOfSatisfying(Outcome.Answered.class, answered -> assertThat(answered.body())
            .isEqualTo("PATCH:{\"a\":1}"));
        assertThat(deleted).isInstanceOfSatisfying(Outcome.Answered.class, answered -> assertThat(answered.body())
            .isEqualTo("DELETE:"));
        assertThat(refused).isInstanceOf(Outcome.Refused.class);
        assertThat(hits).hasValue(2);
    }

    @Test
    void theAllowListOpensOnlyItsOwnRange() {
        var allowing = client("10.0.0.0/8", Duration.ofSeconds(2));

        assertThat(allowing.post(local("/ok"), Map.of(), new byte[0], "application/json"))
            .isInstanceOf(Outcome.Refused.class);
        assertThat(hits).hasValue(0);
    }

    @Test
    void doesNotFollowRedirects() {
        var allowing = client("127.0.0.1/32", Duration.ofSeconds(5));

        var outcome = allowing.post(local("/redirect"), Map.of(), new byte[0], "application/json");

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Answered.class,
            answered -> assertThat(answered.status()).isEqualTo(302));
        assertThat(hits).hasValue(1);
    }

    @Test
    void readsAtMost64KiBOfAnAnswer() {
        var allowing = client("127.0.0.1/32", Duration.ofSeconds(5));

        var outcome = allowing.post(local("/large"), Map.of(), new byte[0], "application/json");

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Answered.class,
            answered -> assertThat(answered.body()).hasSize(EgressClient.MAX_BODY));
    }

    @Test
    void givesUpOnAReceiverThatNeverAnswers() {
        var impatient = client("127.0.0.1/32", Duration.ofMillis(300));

        var outcome = impatient.post(local("/silent"), Map.of(), new byte[0], "application/json");

        // In a fixed sentence: the client's own words name the address it connected to, an internal one where the
        // allow list opens a range, which the account's user is never shown.
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Unreachable.class, unreachable -> {
            assertThat(unreachable.timedOut()).isTrue();
            assertThat(unreachable.error()).isEqualTo("The server did not answer in time.");
        });
        assertThat(outcome.durationMs()).isLessThan(5_000);
    }

    /**
     * A receiver that trickles its answer, each byte within the read timeout of the last, is cut off at the deadline:
     * it held a webhook round (and every delivery of other accounts in it) past its lease for as long as it liked.
     */
    @Test
    void cutsOffAReceiverThatTricklesItsAnswerAtTheDeadline() {
        var settings = new EgressSettings("127.0.0.1/32", Duration.ofSeconds(2), Duration.ofSeconds(1));
        var client = new EgressClient(new EgressGuard(settings), settings);

        var outcome = client.post(local("/trickle"), Map.of(), new byte[0], "application/json");

        // Said in full. Under load it once ended at the deadline as PROTOCOL, not timed out: the cut was read off its
        // future, which is done only once the cut has returned, and the call it cut had ended first.
        assertThat(outcome).as(String.valueOf(outcome)).isInstanceOfSatisfying(Outcome.Unreachable.class,
            unreachable -> {
                assertThat(unreachable.timedOut()).as(String.valueOf(outcome)).isTrue();
                assertThat(unreachable.kind()).isEqualTo(ConnectionFailure.TIMED_OUT);
            });
        assertThat(outcome.durationMs()).isLessThan(5_000);
    }

    /**
     * A call that waited its timeout for one of the host's connections, all ten taken by calls still waiting for their
     * answers, was never sent: it says so, rather than that the server did not answer (which would make the next
     * attempt of a Slack post or an SMS say it may have been sent twice).
     */
    @Test
    void aCallThatGotNoConnectionToTheHostSaysNothingWasSent() throws InterruptedException {
        var client = client("127.0.0.1/32", Duration.ofSeconds(1));
        var waiting = new java.util.ArrayList<Thread>();
        for (int i = 0; i < 10; i++) {
            // Patient: each holds its connection until the test releases it.
            waiting.add(Thread.ofVirtual().start(() -> client.download(local("/silent"), 1024, Duration.ofSeconds(
                20))));
        }
        io.till.testing.Await.until("ten calls waiting for their answers", () -> hits.get() == 10);

        var outcome = client.post(local("/ok"), Map.of(), new byte[0], "application/json");
        release.countDown();
        for (Thread thread : waiting) {
            thread.join();
        }

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Unreachable.class, unreachable -> {
            assertThat(unreachable.kind()).isEqualTo(ConnectionFailure.BUSY);
            assertThat(unreachable.nothingSent()).isTrue();
            assertThat(unreachable.timedOut()).isFalse();
            assertThat(unreachable.error()).isEqualTo(ConnectionFailure.BUSY.sentence());
        });
        assertThat(hits).hasValue(10);
    }

    @Test
    void downloadsTheBytesOfAnAnswerUpToItsLimitAndSaysWhenThereWasMore() {
        var allowing = client("127.0.0.1/32", Duration.ofSeconds(5));

        var whole = allowing.download(local("/large"), 1024 * 1024, Duration.ofSeconds(3));
        var cut = allowing.download(local("/large"), 100_000, Duration.ofSeconds(3));

        assertThat(whole.outcome()).isInstanceOf(Outcome.Answered.class);
        assertThat(whole.body()).hasSize(40 * 16 * 1024);
        assertThat(whole.truncated()).isFalse();
        assertThat(cut.body()).hasSize(100_000);
        assertThat(cut.truncated()).isTrue();
    }

    @Test
    void aDownloadWaitsOnlyItsOwnTimeoutAndGoesNowhereTheGuardRefuses() {
        var patientByDefault = client("127.0.0.1/32", Duration.ofSeconds(15));

        var silent = patientByDefault.download(local("/silent"), 1024, Duration.ofMillis(300));
        var refused = client("", Duration.ofSeconds(2)).download(local("/ok"), 1024, Duration.ofSeconds(3));

        assertThat(silent.outcome()).isInstanceOfSatisfying(Outcome.Unreachable.class,
            unreachable -> assertThat(unreachable.timedOut()).isTrue());
        assertThat(silent.outcome().durationMs()).isLessThan(5_000);
        assertThat(refused.outcome()).isInstanceOf(Outcome.Refused.class);
        assertThat(refused.body()).isEmpty();
        assertThat(hits).hasValue(1);
    }

    /** A guard whose refusal reaches the HTTP client wrapped in another failure, as a resolver in between may pass it. */
    static EgressClient refusingWrapped(java.util.function.Function<RefusedDestination, RuntimeException> unchecked,
        java.util.function.Function<RefusedDestination, UnknownHostException> checked) {
        var settings = new EgressSettings("", Duration.ofSeconds(2), Duration.ofSeconds(30));
        return new EgressClient(new EgressGuard(settings) {
            @Override
            public List<InetAddress> resolve(String host) throws UnknownHostException {
                try {
                    return super.resolve(host);
                } catch (RefusedDestination refused) {
                    if (unchecked != null) {
                        throw unchecked.apply(refused);
                    }
                    throw checked.apply(refused);
                }
            }
        }, settings);
    }

    /**
     * The guard's refusal is the outcome wherever it sits in the failure's chain: a delivery or an action that gets it
     * wrapped as an unknown host or an I/O failure would otherwise be retried for days as if the network were down.
     */
    @Test
    void aRefusalThatReachesTheClientWrappedIsStillRefused() {
        var asUnknownHost = refusingWrapped(null, refused -> {
            var wrapper = new UnknownHostException("cannot resolve");
            wrapper.initCause(refused);
            return wrapper;
        });
        var asUnchecked = refusingWrapped(refused -> new UncheckedIOException(new IOException("cannot connect",
            refused)), null);

        var unknown = asUnknownHost.post(local("/ok"), Map.of(), new byte[0], "application/json");
        var unchecked = asUnchecked.send("GET", local("/ok"), Map.of(), null, null);
        var downloaded = asUnknownHost.download(local("/ok"), 1024, Duration.ofSeconds(2));

        assertThat(unknown).isInstanceOfSatisfying(Outcome.Refused.class, refused -> assertThat(refused.reason())
            .contains("127.0.0.1"));
        assertThat(unchecked).isInstanceOf(Outcome.Refused.class);
        assertThat(downloaded.outcome()).isInstanceOf(Outcome.Refused.class);
        assertThat(hits).hasValue(0);
    }

    @Test
    void refusesUrlsThatAreNotHttpWithAHost() {
        assertThat(EgressClient.invalidUrl("ftp://example.com/x")).isNotNull();
        assertThat(EgressClient.invalidUrl("https:///path")).isNotNull();
        assertThat(EgressClient.invalidUrl("https://user:pw@example.com/")).isNotNull();
        assertThat(EgressClient.invalidUrl("https://example.com/" + "a".repeat(2048))).isNotNull();
        assertThat(EgressClient.invalidUrl("https://example.com:99999/h")).isEqualTo("must have a port from 1 to "
            + "65535");
        assertThat(EgressClient.invalidUrl("https://example.com:0/h")).isNotNull();
        assertThat(EgressClient.invalidUrl("https://example.com:8443/h")).isNull();
        assertThat(EgressClient.invalidUrl("https://example.com/hooks?x=1")).isNull();
    }
}
