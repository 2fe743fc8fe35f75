package io.till.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * An HTTP/1.1 client that sends exactly the bytes it is given (java.net.http refuses malformed URIs, which is what a
 * fuzzer makes): one request per connection, the whole answer read back.
 */
final class RawHttp {

    private final int port;

    RawHttp(int port) {
        this.port = port;
    }

    record Answer(int status, String contentType, String body) {}

    Answer send(String method, byte[] target, String apiKey, byte[] body) {
        var request = new ByteArrayOutputStream();
        request.writeBytes((method + " ").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(target);
        String headers = " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + apiKey
            + "\r\nConnection: close\r\n"
            + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n")
            + "\r\n";
        request.writeBytes(headers.getBytes(StandardCharsets.US_ASCII));
        if (body != null) {
            request.writeBytes(body);
        }
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.toByteArray());
            socket.getOutputStream().flush();
            return parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + new String(target, StandardCharsets.ISO_8859_1) + " failed",
                e);
        }
    }

    private static Answer parse(byte[] raw) {
        String head = new String(raw, StandardCharsets.ISO_8859_1);
        int headersEnd = head.indexOf("\r\n\r\n");
        if (!head.startsWith("HTTP/1.1 ") || headersEnd < 0) {
            throw new IllegalStateException("Not an HTTP answer: " + head.substring(0, Math.min(200, head.length())));
        }
        int status = Integer.parseInt(head.substring(9, 12));
        String contentType = null;
        boolean chunked = false;
        for (String line : head.substring(0, headersEnd).split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-type:")) {
                contentType = line.substring("content-type:".length()).strip();
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        byte[] body = Arrays.copyOfRange(raw, headersEnd + 4, raw.length);
        return new Answer(status, contentType, new String(chunked ? dechunk(body) : body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] body) {
        var out = new ByteArrayOutputStream();
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (at < text.length()) {
            int lineEnd = text.indexOf("\r\n", at);
            int size = Integer.parseInt(text.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            out.write(body, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }
}
