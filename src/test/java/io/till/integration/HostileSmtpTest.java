package io.till.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.till.egress.EgressGuard;
import io.till.egress.EgressSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An SMTP server a seller named that never finishes its reply holds no thread of Till's past the egress deadline, and
 * fills none of its memory: a greeting of continuation lines, each within the read timeout of the last, held a send (on
 * the thread that also ran billing's clock) for as long as the server liked, and one streamed fast grew the heap without
 * end. (The bound below is a liveness bound, far above the deadline: without it the test would hang.)
 */
class HostileSmtpTest {

    private static final EgressGuard GUARD = new EgressGuard(new EgressSettings("127.0.0.1/32", Duration.ofSeconds(1),
        Duration.ofSeconds(2)));

    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicLong written = new AtomicLong();

    @AfterEach
    void stopServer() {
        stop.countDown();
    }

    /** Serves one connection with {@code line}, repeated every {@code every} until the client goes. */
    private int server(String line, Duration every) throws IOException {
        var server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try (server; var socket = server.accept(); OutputStream out = socket.getOutputStream()) {
                byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
                while (!stop.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
                    out.write(bytes);
                    out.flush();
                    written.addAndGet(bytes.length);
                }
            } catch (IOException | InterruptedException gone) {
                // The client hung up: expected.
            }
        });
        return server.getLocalPort();
    }

    private static SmtpSettings smtp(int port) {
        return new SmtpSettings("127.0.0.1", port, null, null, false, "shop@shop.test");
    }

    @Test
    void aServerThatTricklesAnEndlessGreetingIsCutOffAtTheDeadline() throws IOException {
        int port = server("220-still greeting\r\n", Duration.ofMillis(200));

        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> smtp(port).sender(GUARD)
            .testConnection()).isInstanceOf(jakarta.mail.MessagingException.class)
            .hasStackTraceContaining("The session ran past its deadline of 2 s"));
        // Told as the timeout it is, as a send's failure reads it.
        assertThat(written.get()).as("it was talking when it was cut off").isPositive();
    }

    @Test
    void aServerThatFloodsAnEndlessReplyIsCutOffAfterAMegabyte() throws IOException {
        int port = server("220-" + "A".repeat(1000) + "\r\n", Duration.ZERO);

        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> smtp(port).sender(GUARD)
            .testConnection()).isInstanceOf(jakarta.mail.MessagingException.class)
            .hasStackTraceContaining("The server sent more than 1024 KiB"));
        // What it wrote before the connection broke: the megabyte read, and what the sockets' buffers held.
        assertThat(written.get()).isLessThan(64L * 1024 * 1024);
    }
}
