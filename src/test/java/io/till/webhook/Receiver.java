package io.till.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A webhook receiver on 127.0.0.1 that answers with scripted statuses (200 once the script runs out) and records every
 * request it gets.
 */
public final class Receiver implements AutoCloseable {

    public record Request(String path, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            var values = headers.get(name);
            return values == null ? null : values.getFirst();
        }
    }

    /** @param body what it answers; null: "answer " and the status */
    public record Answer(int status, String body, String[] headers) {

        public Answer(int status, String... headers) {
            this(status, null, headers);
        }
    }

    private final HttpServer server;
    // Each receiver answers under a path of its own, so a late retry meant for an earlier test's receiver that happens
    // to reuse the port is not counted.
    private final String prefix = "/" + java.util.UUID.randomUUID();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();

    /** Held: every request waits for {@link #release} before it is answered (a receiver slow to answer). */
    private final java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean holding;

    /** A receiver that answers no request until {@link #release}: one slow to answer. */
    public static Receiver holding(Answer... answers) {
        var receiver = new Receiver(answers);
        receiver.holding = true;
        return receiver;
    }

    /** Lets a holding receiver answer what waits, and whatever comes next. */
    public void release() {
        held.countDown();
    }

    public Receiver(Answer... answers) {
        script.addAll(Arrays.asList(answers));
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            var headers = new java.util.TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values));
            if (!exchange.getRequestURI().getPath().startsWith(prefix)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            requests.add(new Request(exchange.getRequestURI().getPath().substring(prefix.length()), headers,
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            if (holding) {
                try {
                    held.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Answer answer = script.poll();
            if (answer == null) {
                answer = new Answer(200);
            }
            for (int i = 0; i < answer.headers().length; i += 2) {
                exchange.getResponseHeaders().add(answer.headers()[i], answer.headers()[i + 1]);
            }
            byte[] body = (answer.body() == null ? "answer " + answer.status() : answer.body()).getBytes(
                StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + prefix + path;
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /**
     * Checks the request's signature with the Standard Webhooks library: one of the {@code v1,} signatures of the
     * header must be the library's signature of id, timestamp and body under {@code secret}. (The library's own
     * {@code verify} also compares the timestamp with the machine's clock, which the tests' real time does not follow.)
     */
    public static boolean signedWith(Request request, String secret) {
        try {
            String expected = new Webhook(secret).sign(request.header("webhook-id"),
                Long.parseLong(request.header("webhook-timestamp")), request.body());
            return Arrays.asList(request.header("webhook-signature").split(" ")).contains(expected);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public static void assertSignedWith(Request request, String secret) {
        assertThat(request.header("webhook-signature")).as("signature header").isNotNull();
        assertThat(signedWith(request, secret)).as("signature of %s under the secret", request.header("webhook-id"))
            .isTrue();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
