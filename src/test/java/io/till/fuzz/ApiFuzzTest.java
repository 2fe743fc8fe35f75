package io.till.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.junit.Lifecycle;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jazzer fuzz tests of the API's JSON bodies and query strings, sent over real HTTP to the running application: whatever
 * the bytes, Till answers below 500, and refusals of a body are problem details. {@code fuzz/run} fuzzes for real
 * ({@code JAZZER_FUZZ=1}); without it (as in {@code ./mvnw verify}) {@link #replaysTheCheckedInInputs} sends each test's
 * checked-in inputs from {@code ApiFuzzTestInputs/<test>/}, and an empty one, through the same test, as Jazzer's own
 * replay does but without its agent, whose start (a scan of every class on the class path) took 20 of the 30 s. Inputs may name the fixture's objects as {@code {{checkout}}}, {@code {{option}}},
 * {@code {{product}}}, {@code {{automation}}}, {@code {{customer}}}, {@code {{subscription}}}, {@code {{order}}},
 * {@code {{payment}}}, {@code {{endpoint}}} (a webhook endpoint), {@code {{promo}}} and {@code {{group}}}.
 */
@TillIntegrationTest
class ApiFuzzTest {

    /** One store for every input: made once, since a fuzzing run calls a test millions of times on one instance. */
    private static Fixture fixture;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    Shops shops;
    @Autowired
    Environment environment;

    record Fixture(RawHttp http, String apiKey, Map<String, String> ids) {}

    @FuzzTest(maxDuration = "10m", lifecycle = Lifecycle.PER_TEST)
    @EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
    void automationDefinitions(byte[] body) {
        assertRefusedCleanly(post("/api/v1/automations", body));
    }

    @FuzzTest(maxDuration = "10m", lifecycle = Lifecycle.PER_TEST)
    @EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
    void automationRuns(byte[] body) {
        assertRefusedCleanly(post("/api/v1/automations/{{automation}}/test", body));
        assertRefusedCleanly(post("/api/v1/automations/{{automation}}/run", body));
    }

    @FuzzTest(maxDuration = "10m", lifecycle = Lifecycle.PER_TEST)
    @EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
    void events(byte[] body) {
        assertRefusedCleanly(post("/api/v1/events", body));
    }

    @FuzzTest(maxDuration = "10m", lifecycle = Lifecycle.PER_TEST)
    @EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
    void eventBatches(byte[] body) {
        assertRefusedCleanly(post("/api/v1/events/batch", body));
    }

    @FuzzTest(maxDuration = "10m", lifecycle = Lifecycle.PER_TEST)
    @EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
    void purchases(byte[] body) {
        assertRefusedCleanly(post("/api/v1/checkouts/{{checkout}}/purchases", body));
    }

    @FuzzTest(maxDuration = "10m", lifecycle = Lifecycle.PER_TEST)
    @EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
    void integrations(byte[] body) {
        assertRefusedCleanly(post("/api/v1/integrations", body));
    }

    @FuzzTest(maxDuration = "10m", lifecycle = Lifecycle.PER_TEST)
    @EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
    void customers(byte[] body) {
        assertRefusedCleanly(post("/api/v1/customers", body));
        assertRefusedCleanly(send("PATCH", "/api/v1/customers/{{customer}}", body));
    }

    @FuzzTest(maxDuration = "10m", lifecycle = Lifecycle.PER_TEST)
    @EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
    void products(byte[] body) {
        assertRefusedCleanly(post("/api/v1/products", body));
    }

    @FuzzTest(maxDuration = "10m", lifecycle = Lifecycle.PER_TEST)
    @EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
    void checkouts(byte[] body) {
        assertRefusedCleanly(post("/api/v1/checkouts", body));
    }

    @FuzzTest(maxDuration = "10m", lifecycle = Lifecycle.PER_TEST)
    @EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
    void billing(byte[] body) {
        assertRefusedCleanly(post("/api/v1/customers/{{customer}}/credits", body));
        assertRefusedCleanly(post("/api/v1/refunds", body));
        assertRefusedCleanly(post("/api/v1/usage", body));
        assertRefusedCleanly(post("/api/v1/orders", body));
    }

    @FuzzTest(maxDuration = "10m", lifecycle = Lifecycle.PER_TEST)
    @EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
    void portalSettings(byte[] body) {
        assertRefusedCleanly(send("PUT", "/api/v1/portal_settings", body));
        assertRefusedCleanly(send("PUT", "/api/v1/account/branding", body));
    }

    /** The bodies the tests above do not send: each input goes to every one of these operations. */
    @FuzzTest(maxDuration = "10m", lifecycle = Lifecycle.PER_TEST)
    @EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
    void otherBodies(byte[] body) {
        assertRefusedCleanly(post("/api/v1/webhook_endpoints", body));
        assertRefusedCleanly(send("PATCH", "/api/v1/webhook_endpoints/{{endpoint}}", body));
        assertRefusedCleanly(post("/api/v1/promo_codes", body));
        assertRefusedCleanly(send("PATCH", "/api/v1/promo_codes/{{promo}}", body));
        assertRefusedCleanly(post("/api/v1/subscription_groups", body));
        assertRefusedCleanly(send("PATCH", "/api/v1/subscription_groups/{{group}}", body));
        assertRefusedCleanly(send("PATCH", "/api/v1/products/{{product}}", body));
        assertRefusedCleanly(post("/api/v1/products/{{product}}/options", body));
        assertRefusedCleanly(send("PATCH", "/api/v1/checkouts/{{checkout}}", body));
        assertRefusedCleanly(post("/api/v1/tasks", body));
        assertRefusedCleanly(post("/api/v1/api_keys", body));
        assertRefusedCleanly(post("/api/v1/portal_sessions", body));
        assertRefusedCleanly(post("/api/v1/subscriptions", body));
        assertRefusedCleanly(post("/api/v1/customers/{{customer}}/payment_methods", body));
        assertRefusedCleanly(send("PUT", "/api/v1/automations/{{automation}}", body));
        assertRefusedCleanly(send("PUT", "/api/v1/retry_schedule", body));
    }

    /** The input is a request target ({@code /api/v1/customers?query=…}); GET it. */
    @FuzzTest(maxDuration = "10m", lifecycle = Lifecycle.PER_TEST)
    @EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
    void queryStrings(byte[] target) {
        var answer = fixture().http().send("GET", requestTarget(target), fixture().apiKey(), null);

        assertThat(answer.status()).as("GET %s answered %s", printable(target), answer.body()).isLessThan(500);
    }

    /** One checked-in input of one fuzz test ({@code ""}: the empty input), sent through that test. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("checkedInInputs")
    void replaysTheCheckedInInputs(String test, String input) throws Throwable {
        byte[] bytes = input.isEmpty() ? new byte[0] : Files.readAllBytes(inputs().resolve(test).resolve(input));
        try {
            ApiFuzzTest.class.getDeclaredMethod(test, byte[].class).invoke(this, (Object) bytes);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static Stream<Arguments> checkedInInputs() throws IOException {
        var all = new ArrayList<Arguments>();
        var tests = Arrays.stream(ApiFuzzTest.class.getDeclaredMethods())
            .filter(method -> method.isAnnotationPresent(FuzzTest.class))
            .map(Method::getName)
            .sorted()
            .toList();
        for (String test : tests) {
            all.add(Arguments.of(test, ""));
            Path dir = inputs().resolve(test);
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    files.map(file -> file.getFileName().toString()).sorted().forEach(name -> all.add(Arguments.of(
                        test, name)));
                }
            }
        }
        return all.stream();
    }

    private static Path inputs() {
        try {
            return Path.of(ApiFuzzTest.class.getResource("ApiFuzzTestInputs").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private RawHttp.Answer post(String path, byte[] body) {
        return send("POST", path, body);
    }

    private RawHttp.Answer send(String method, String path, byte[] body) {
        var fixture = fixture();
        byte[] target = fill(path.getBytes(StandardCharsets.US_ASCII));
        var answer = fixture.http().send(method, target, fixture.apiKey(), fill(body));
        assertThat(answer.status()).as("%s %s with %s answered %s", method, printable(target), printable(body),
            answer.body()).isLessThan(500);
        return answer;
    }

    private static void assertRefusedCleanly(RawHttp.Answer answer) {
        if (answer.status() >= 400) {
            assertThat(answer.contentType()).as(answer.body()).isEqualTo("application/problem+json");
        }
    }

    /**
     * The input as one request line's target: bytes a request line cannot hold are percent-encoded (a malformed
     * escape such as {@code %ZZ} is kept as sent), and a target that does not start at the root is put under /api/v1/.
     */
    private byte[] requestTarget(byte[] input) {
        byte[] filled = fill(input);
        var out = new ByteArrayOutputStream();
        if (filled.length == 0 || filled[0] != '/') {
            out.writeBytes("/api/v1/".getBytes(StandardCharsets.US_ASCII));
        }
        for (byte b : filled) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != '#') {
                out.write(c);
            } else {
                out.writeBytes("%%%02X".formatted(c).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toByteArray();
    }

    private byte[] fill(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        if (!text.contains("{{")) {
            return input;
        }
        for (var id : fixture().ids().entrySet()) {
            text = text.replace("{{" + id.getKey() + "}}", id.getValue());
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private synchronized Fixture fixture() {
        // Jazzer's SSRF detector reports every connection it was not told about (and forgets between runs): the
        // test's own requests and Till's to its database go to this machine; anything else Till opens is a finding.
        // Only when fuzzing: the detector is Jazzer's agent's, which a replay runs without.
        if (System.getenv("JAZZER_FUZZ") != null) {
            BugDetectors.allowNetworkConnections((host, port) -> isLoopback(host));
        }
        if (fixture == null) {
            var shop = shops.open();
            var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "fuzz@example.com");
            var http = new RawHttp(Integer.parseInt(environment.getProperty("local.server.port")));
            String automation = automation(http, shop.apiKey());
            fixture = new Fixture(http, shop.apiKey(), Map.ofEntries(Map.entry("automation", automation),
                Map.entry("checkout", shop.checkoutId()), Map.entry("option", shop.monthly()),
                Map.entry("product", order.get("items").get(0).get("product_id").asString()),
                Map.entry("customer", order.get("customer_id").asString()),
                Map.entry("subscription", order.get("subscription_id").asString()),
                Map.entry("order", order.get("id").asString()), Map.entry("payment", order.get("payment_id")
                    .asString()),
                Map.entry("endpoint", created(http, shop.apiKey(), "/api/v1/webhook_endpoints", """
                    {"url": "https://hooks.example.com/till", "event_types": ["acme.signup"]}""")),
                Map.entry("promo", created(http, shop.apiKey(), "/api/v1/promo_codes", """
                    {"code": "FUZZ", "percent_off": 10}""")),
                Map.entry("group", created(http, shop.apiKey(), "/api/v1/subscription_groups", """
                    {"name": "Fuzz tiers"}"""))));
        }
        return fixture;
    }

    /** The id of what {@code body} posted to {@code path} created. */
    private static String created(RawHttp http, String apiKey, String path, String body) {
        var created = http.send("POST", path.getBytes(StandardCharsets.US_ASCII), apiKey, body.getBytes(
            StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).get("id").asString();
    }

    /** An active automation started by hand that creates a task: the subject of dry runs and manual runs. */
    private static String automation(RawHttp http, String apiKey) {
        var created = http.send("POST", "/api/v1/automations".getBytes(StandardCharsets.US_ASCII), apiKey, """
            {"name": "Call back", "trigger": {"type": "manual"},
             "steps": [{"id": "call", "type": "action", "action": "create_task", "params": {"title": "Call"}}]}"""
            .getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asString();
        var activated = http.send("POST", ("/api/v1/automations/" + id + "/activate").getBytes(
            StandardCharsets.US_ASCII), apiKey, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(activated.status()).as(activated.body()).isEqualTo(200);
        return id;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String printable(byte[] bytes) {
        if (bytes == null) {
            return "no body";
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", "?");
        return text.length() > 300 ? text.substring(0, 300) + "… (" + bytes.length + " bytes)" : text;
    }
}
