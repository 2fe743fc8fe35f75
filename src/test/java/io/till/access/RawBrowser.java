package io.till.access;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A browser on a bare socket, because {@link java.net.http.HttpClient} refuses to send a forged {@code Host} header.
 * It keeps cookies, speaks HTTP/1.0 (one request per connection, no chunking) and can connect from another loopback
 * address (127.0.0.x) to look like another client.
 */
final class RawBrowser {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final int port;
    private final String host;
    private final InetAddress from;
    private final Map<String, String> cookies = new LinkedHashMap<>();

    RawBrowser(int port, String host, InetAddress from) {
        this.port = port;
        this.host = host;
        this.from = from;
    }

    RawBrowser(int port) {
        this(port, "localhost:" + port, InetAddress.getLoopbackAddress());
    }

    /** A client of its own among 127.0.0.0/8, so that one test's sign-in failures never count against another's. */
    static RawBrowser fromAnotherAddress(int port) {
        var random = java.util.concurrent.ThreadLocalRandom.current();
        try {
            var address = InetAddress.getByAddress(new byte[]{127, (byte) random.nextInt(1, 255),
                    (byte) random.nextInt(1, 255), (byte) random.nextInt(2, 255)});
            return new RawBrowser(port, "localhost:" + port, address);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    record Response(int status, List<String[]> headers, String body) {

        String header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst().orElse(null);
        }

        List<String> all(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).toList();
        }
    }

    String cookie(String name) {
        return cookies.get(name);
    }

    /** Forgets every cookie but {@code kept}, as a browser does its session's when it closes. */
    void forgetAllBut(String kept) {
        cookies.keySet().removeIf(name -> !name.equals(kept));
    }

    Response get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    Response postForm(String path, String form, String... headers) {
        return send("POST", path, form, headers);
    }

    /** Fetches the sign-in page and posts the form on it; the answer is the form post's. */
    Response signIn(String email, String password, String... headers) {
        String token = csrf(get("/admin/login", headers).body());
        return postForm("/admin/login", "username=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf=" + token, headers);
    }

    /** The one-time key of the page's first form that carries one ({@code form_key}). */
    static String formKey(String html) {
        var matcher = java.util.regex.Pattern.compile("name=\"form_key\" value=\"([^\"]+)\"").matcher(html);
        if (!matcher.find()) {
            throw new AssertionError("no form_key field in " + html);
        }
        return matcher.group(1);
    }

    static String csrf(String html) {
        var matcher = CSRF.matcher(html);
        if (!matcher.find()) {
            throw new AssertionError("no CSRF field in " + html);
        }
        return matcher.group(1);
    }

    Response send(String method, String path, String body, String... headers) {
        var request = new StringBuilder(method + " " + path + " HTTP/1.0\r\nHost: " + host + "\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        if (!cookies.isEmpty()) {
            request.append("Cookie: ").append(String.join("; ",
                cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue()).toList())).append("\r\n");
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            request.append("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ")
                .append(content.length)
                .append("\r\n");
        }
        request.append("\r\n");
        try (var socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            return remember(parse(socket.getInputStream()));
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        }
    }

    private Response remember(Response response) {
        for (String setCookie : response.all("Set-Cookie")) {
            String pair = setCookie.split(";", 2)[0];
            int equals = pair.indexOf('=');
            String name = pair.substring(0, equals).strip();
            String value = pair.substring(equals + 1).strip();
            if (value.isEmpty() || setCookie.toLowerCase(Locale.ROOT).contains("max-age=0")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        return response;
    }

    private static Response parse(InputStream in) throws IOException {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        var headers = new ArrayList<String[]>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.add(new String[]{lines[i].substring(0, colon).strip(), lines[i].substring(colon + 1).strip()});
        }
        return new Response(status, headers, text.substring(end + 4));
    }
}
