package io.till.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real HTTP client for the running test application. */
@TestComponent
public class Api {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final Supplier<String> baseUrl;

    @Autowired
    Api(Environment environment) {
        this(() -> "http://localhost:" + environment.getProperty("local.server.port"));
    }

    private Api(Supplier<String> baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A client for a Till at another address, such as a child process. */
    public static Api at(String baseUrl) {
        return new Api(() -> baseUrl);
    }

    public record Response(int status, java.net.http.HttpHeaders headers, String text) {

        public JsonNode json() {
            return JSON.readTree(text);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String contentType() {
            return header("Content-Type");
        }
    }

    public URI uri(String path) {
        return URI.create(baseUrl.get() + path);
    }

    public Response get(String path, String apiKey) {
        return send("GET", path, apiKey, null, List.of());
    }

    public Response delete(String path, String apiKey) {
        return send("DELETE", path, apiKey, null, List.of());
    }

    public Response post(String path, String apiKey, String jsonBody, String... headers) {
        var all = new ArrayList<>(List.of(headers));
        if (jsonBody != null) {
            all.addAll(List.of("Content-Type", "application/json"));
        }
        return send("POST", path, apiKey, jsonBody, all);
    }

    public Response patch(String path, String apiKey, String jsonBody) {
        return send("PATCH", path, apiKey, jsonBody, List.of("Content-Type", "application/json"));
    }

    public Response send(String method, String path, String apiKey, String body, List<String> headers) {
        var request = HttpRequest.newBuilder(uri(path))
            .method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        for (int i = 0; i < headers.size(); i += 2) {
            request.header(headers.get(i), headers.get(i + 1));
        }
        try {
            var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " interrupted", e);
        }
    }
}
