package io.till.egress;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The only way Till calls a URL its users supply (webhook endpoints, Slack hooks, CRM and Twilio base URLs). The host
 * is resolved once by the {@link EgressGuard}, which checks every address, and the connection goes to those checked
 * addresses only (the check sits in the client's DNS resolver, so a name that resolves differently a second later
 * cannot slip through). Redirects are never followed, and at most {@link #MAX_BODY} bytes of an answer are read.
 */
@Component
public class EgressClient implements DisposableBean {

    /** The most of a response body that is read; the rest is dropped unread. */
    public static final int MAX_BODY = 64 * 1024;
    public static final int MAX_URL_LENGTH = 2048;
    /**
     * The most calls open to one host (scheme, name and port) at once; another is not sent: it ends
     * {@link ConnectionFailure#BUSY} after {@link #HOST_WAIT} at most, so that a host that answers slowly holds no
     * more of Till than its own calls (an action then waits its turn, a webhook sender never asks for more).
     */
    public static final int MAX_CALLS_PER_HOST = 10;

    /** How long a call waits for one of its host's connections to be free before it ends busy, unsent. */
    static final Timeout HOST_WAIT = Timeout.ofMilliseconds(100);

    /** How a call ended. */
    public sealed interface Outcome {

        long durationMs();

        /** The peer answered; {@code headers} by lower-case name, first value. */
        record Answered(int status, Map<String, String> headers, String body, long durationMs) implements Outcome {}

        /** The destination is one Till does not call. */
        record Refused(String reason, long durationMs) implements Outcome {}

        /** No answer: the host is unknown, the connection failed, or the timeout passed; {@code kind} says which. */
        record Unreachable(String error, boolean timedOut, long durationMs, ConnectionFailure kind)
            implements
                Outcome {

            /** Whether the request never reached the server ({@link ConnectionFailure#nothingSent}). */
            public boolean nothingSent() {
                return kind.nothingSent();
            }
        }
    }

    private final CloseableHttpClient http;
    private final RequestConfig defaults;
    private final Duration deadline;

    public EgressClient(EgressGuard guard, EgressSettings settings) {
        this.deadline = settings.deadline();
        var timeout = Timeout.of(settings.timeout());
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
            .setDnsResolver(new CheckingResolver(guard))
            .setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(timeout)
                .setSocketTimeout(timeout)
                .build())
            .setMaxConnTotal(200)
            .setMaxConnPerRoute(MAX_CALLS_PER_HOST)
            .build();
        this.defaults = RequestConfig.custom()
            .setRedirectsEnabled(false)
            .setResponseTimeout(timeout)
            .setConnectionRequestTimeout(HOST_WAIT)
            .build();
        this.http = HttpClients.custom()
            .setConnectionManager(connections)
            .setDefaultRequestConfig(defaults)
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .setUserAgent("Till")
            .build();
    }

    /** What is wrong with {@code url} as a destination, or null when it is an absolute http(s) URL with a host. */
    public static String invalidUrl(String url) {
        if (url == null || url.isBlank()) {
            return "is required";
        }
        if (url.length() > MAX_URL_LENGTH) {
            return "must be at most " + MAX_URL_LENGTH + " characters";
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http")) {
                return "must be an https or http URL";
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                return "must name a host";
            }
            if (uri.getRawUserInfo() != null) {
                return "must not carry a user name or password";
            }
            if (uri.getPort() == 0 || uri.getPort() > 65535) {
                return "must have a port from 1 to 65535";
            }
            return null;
        } catch (URISyntaxException e) {
            return "is not a valid URL";
        }
    }

    /** POSTs {@code body} to {@code url}; never throws for anything the destination does. */
    public Outcome post(String url, Map<String, String> headers, byte[] body, String contentType) {
        return send("POST", url, headers, body, contentType);
    }

    /**
     * Sends a request with any method (GET, PUT, PATCH, DELETE for the REST APIs of the CRM integrations) and, unless
     * {@code body} is null, a body of {@code contentType}; never throws for anything the destination does.
     */
    public Outcome send(String method, String url, Map<String, String> headers, byte[] body, String contentType) {
        String invalid = invalidUrl(url);
        if (invalid != null) {
            return new Outcome.Refused("the URL " + invalid, 0);
        }
        var request = new HttpUriRequestBase(method, URI.create(url));
        headers.forEach(request::setHeader);
        if (body != null) {
            request.setEntity(new ByteArrayEntity(body, ContentType.parse(contentType)));
        }
        var exchanged = exchange(request, MAX_BODY, deadline);
        if (exchanged.outcome() instanceof Outcome.Answered a) {
            return new Outcome.Answered(a.status(), a.headers(), text(exchanged.body()), a.durationMs());
        }
        return exchanged.outcome();
    }

    /**
     * An answer's body as text that can be kept: a NUL (a binary error page) becomes U+FFFD, as bytes that are not
     * UTF-8 do, since PostgreSQL's text and jsonb refuse it and the write of a whole batch of outcomes would fail.
     */
    static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8).replace('\u0000', '\uFFFD');
    }

    /**
     * A GET for a small file (a seller's logo): {@code outcome} as {@link #send} says it, with an empty text body, and
     * the raw bytes beside it. At most {@code maxBody} bytes are read; {@code truncated} says there were more. Connecting
     * and waiting for the answer may each take {@code timeout}, shorter than the default for callers a page waits on.
     */
    public Download download(String url, int maxBody, Duration timeout) {
        String invalid = invalidUrl(url);
        if (invalid != null) {
            return new Download(new Outcome.Refused("the URL " + invalid, 0), new byte[0], false);
        }
        var request = new HttpGet(URI.create(url));
        var time = Timeout.of(timeout);
        request.setConfig(RequestConfig.copy(defaults).setResponseTimeout(time).setConnectionRequestTimeout(time)
            .setConnectTimeout(time).build());
        return exchange(request, maxBody, timeout.multipliedBy(2));
    }

    /** What {@link #download} got: the outcome and, when answered, up to its limit of the body's bytes. */
    public record Download(Outcome outcome, byte[] body, boolean truncated) {}

    /** The call, cut off once {@code within} has passed since it began, whatever it was doing then. */
    private Download exchange(HttpUriRequestBase request, int maxBody, Duration within) {
        long started = System.nanoTime();
        // Set before the cut, not read off the future: a future is done only once its task has returned, and the call
        // it cut ends as soon as the connection is aborted, sometimes first (under load, the cut was then told as a
        // server that did not answer as expected, not as one that took too long).
        var cut = new AtomicBoolean();
        var cutOff = Deadlines.SCHEDULER.schedule(() -> {
            cut.set(true);
            request.cancel();
        }, within.toNanos(), TimeUnit.NANOSECONDS);
        try {
            var exchanged = exchange(request, maxBody, started);
            if (cut.get() && !(exchanged.outcome() instanceof Outcome.Refused)) {
                // Whatever the cut left behind (a failed read, a short body) is no answer.
                return failed(new Outcome.Unreachable("no whole answer within " + within.toSeconds() + " s", true,
                    millisSince(started), ConnectionFailure.TIMED_OUT));
            }
            return exchanged;
        } finally {
            cutOff.cancel(false);
        }
    }

    private Download exchange(HttpUriRequestBase request, int maxBody, long started) {
        try (var response = http.executeOpen(null, request, null)) {
            var answered = new LinkedHashMap<String, String>();
            for (Header header : response.getHeaders()) {
                answered.putIfAbsent(header.getName().toLowerCase(Locale.ROOT), header.getValue());
            }
            byte[] read = new byte[0];
            boolean truncated = false;
            if (response.getEntity() != null) {
                try (InputStream in = response.getEntity().getContent()) {
                    read = in.readNBytes(maxBody + 1);
                    if (read.length > maxBody) {
                        // Closing would read the rest: drop the connection instead.
                        request.cancel();
                        read = Arrays.copyOf(read, maxBody);
                        truncated = true;
                    }
                }
            }
            return new Download(new Outcome.Answered(response.getCode(), answered, "", millisSince(started)), read,
                truncated);
        } catch (IOException e) {
            return failed(failure(e, millisSince(started)));
        } catch (UncheckedIOException e) {
            return failed(failure(e.getCause(), millisSince(started)));
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Refused by the client before anything was sent (a URL it cannot use): never thrown at the caller.
            return failed(new Outcome.Refused("the URL cannot be called: " + ConnectionFailure.PROTOCOL.sentence(),
                millisSince(started)));
        }
    }

    /**
     * How a call that threw ended. The guard's refusal wherever it sits in the chain, whatever wraps it (a resolver or
     * a library in between may): every caller gives up on a refused destination at once, and would retry an
     * unreachable one for days.
     */
    private static Outcome failure(IOException e, long durationMs) {
        var refusal = ConnectionFailure.refusal(e);
        if (refusal.isPresent()) {
            return new Outcome.Refused(refusal.get().getMessage(), durationMs);
        }
        return switch (e) {
            case org.apache.hc.core5.http.ConnectionRequestTimeoutException busy -> new Outcome.Unreachable(
                ConnectionFailure.BUSY.sentence(), false, durationMs, ConnectionFailure.BUSY);
            // The kind's fixed sentence: the client's words name the address it connected to.
            case InterruptedIOException timedOut -> new Outcome.Unreachable(ConnectionFailure.TIMED_OUT.sentence(),
                true, durationMs, ConnectionFailure.TIMED_OUT);
            case UnknownHostException unknown -> new Outcome.Unreachable("unknown host: " + e.getMessage(), false,
                durationMs, ConnectionFailure.UNKNOWN_HOST);
            default -> {
                // The kind's fixed sentence: an exception's class name is Till's business, not the reader's.
                ConnectionFailure kind = ConnectionFailure.of(e);
                yield new Outcome.Unreachable(kind.sentence(), false, durationMs, kind);
            }
        };
    }

    private static Download failed(Outcome outcome) {
        return new Download(outcome, new byte[0], false);
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    @Override
    public void destroy() throws IOException {
        http.close();
    }

    /** Resolves once through the guard and hands the client only addresses that passed: what it connects to. */
    private record CheckingResolver(EgressGuard guard) implements DnsResolver {

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            return guard.resolve(host).toArray(InetAddress[]::new);
        }

        @Override
        public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
            var checked = new ArrayList<InetSocketAddress>();
            for (InetAddress address : resolve(host)) {
                checked.add(new InetSocketAddress(address, port));
            }
            return checked;
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            resolve(host);
            return host;
        }
    }
}
