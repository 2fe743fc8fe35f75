package io.till.portal;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;

/** A browser without a screen for portal tests: keeps cookies, follows no redirects, fills in the CSRF field. */
final class PortalClient {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final String baseUrl;
    final CookieManager cookies = new CookieManager();
    private final HttpClient http;

    PortalClient(int port) {
        this(port, null);
    }

    /** A client connecting from {@code from} (another 127.0.0.x), to count as another client address. */
    PortalClient(int port, java.net.InetAddress from) {
        this.baseUrl = "http://localhost:" + port;
        var builder = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER);
        if (from != null) {
            builder.localAddress(from);
        }
        this.http = builder.build();
    }

    /** A client from a loopback address of its own, so that per-address limits of other tests do not reach it. */
    static PortalClient fromFreshAddress(int port) {
        try {
            return new PortalClient(port, java.net.InetAddress.getByAddress(new byte[]{127, 0,
                    (byte) java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 255),
                    (byte) java.util.concurrent.ThreadLocalRandom.current().nextInt(2, 255)}));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    String cookie(String name) {
        return cookies.getCookieStore()
            .getCookies()
            .stream()
            .filter(c -> c.getName().equals(name))
            .map(java.net.HttpCookie::getValue)
            .findFirst()
            .orElse(null);
    }

    record Response(int status, java.net.http.HttpHeaders headers, String body) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    Response get(String pathOrUrl, String... headers) {
        return send(HttpRequest.newBuilder(uri(pathOrUrl)).GET(), headers);
    }

    Response head(String pathOrUrl, String... headers) {
        return send(HttpRequest.newBuilder(uri(pathOrUrl)).HEAD(), headers);
    }

    /** Posts {@code form} (already encoded) as is: no CSRF field added. */
    Response postRaw(String path, String form, String... headers) {
        return send(HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)), headers);
    }

    /** Loads {@code page}, then posts {@code form} to {@code path} with the page's CSRF token. */
    Response post(String page, String path, String form, String... headers) {
        String token = csrf(get(page).body());
        return postRaw(path, (form.isEmpty() ? "" : form + "&") + "_csrf=" + token, headers);
    }

    /** Posts {@code fields} as multipart/form-data, sent without a length (chunked), as a browser never does here. */
    Response postMultipart(String path, java.util.Map<String, String> fields) {
        String boundary = "till-boundary-0123456789";
        var body = new StringBuilder();
        fields.forEach((name, value) -> body.append("--").append(boundary).append("\r\n")
            .append("Content-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n")
            .append(value).append("\r\n"));
        body.append("--").append(boundary).append("--\r\n");
        byte[] bytes = body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return send(HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))));
    }

    static String csrf(String html) {
        var matcher = CSRF.matcher(html);
        if (!matcher.find()) {
            throw new AssertionError("no CSRF field in " + html);
        }
        return matcher.group(1);
    }

    private URI uri(String pathOrUrl) {
        return URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : baseUrl + pathOrUrl);
    }

    private Response send(HttpRequest.Builder request, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
