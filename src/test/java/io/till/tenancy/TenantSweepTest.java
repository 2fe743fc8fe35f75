package io.till.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Every operation of the API, read from {@code /v3/api-docs}, called with account B's key on account A's objects: a
 * 404 for each id in a path (never a 403 that tells the id exists), lists without any of A's ids, and no create that
 * takes A's objects in its body. An operation the fixture cannot cover fails the sweep by name, so a new endpoint is
 * covered the day it lands, or listed below with the reason it needs no foreign id.
 */
@TillIntegrationTest
class TenantSweepTest {

    private static final Logger log = LoggerFactory.getLogger(TenantSweepTest.class);
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");

    /** Operations with no id in their path that touch only the caller's own account, and why no foreign id fits. */
    private static final Map<String, String> OWN_ACCOUNT_ONLY = Map.ofEntries(
        Map.entry("POST /api/v1/customers", "creates a customer from a name and email, no other object named"),
        Map.entry("POST /api/v1/products", "creates a product with its own options"),
        Map.entry("POST /api/v1/subscription_groups", "creates a named group, no other object named"),
        Map.entry("POST /api/v1/promo_codes", "creates a code, no other object named"),
        Map.entry("POST /api/v1/api_keys", "creates a key of the caller's account"),
        Map.entry("POST /api/v1/webhook_endpoints", "creates an endpoint from a URL"),
        Map.entry("POST /api/v1/integrations", "saves the caller's own service credentials, keyed by type"),
        Map.entry("POST /api/v1/automations", "a definition; scopes naming other accounts' objects are item 10's"),
        Map.entry("PUT /api/v1/account/branding", "the caller's own account"),
        Map.entry("PUT /api/v1/portal_settings", "the caller's own account; A's settings carry a marker that no "
            + "answer to B may show"),
        Map.entry("PUT /api/v1/retry_schedule", "the caller's own account's retry days, no object named"),
        Map.entry("POST /api/v1/test_clock/advance", "moves the caller's own sandbox clock"),
        Map.entry("DELETE /api/v1/dev/mailbox", "empties the caller's own dev mailbox"));

    /** Bodies naming account A's objects, for operations whose path holds no id. */
    private static final Map<String, Function<TenantFixture, String>> FOREIGN_BODIES = Map.of(
        "POST /api/v1/orders", a -> """
            {"customer_id": "%s", "option_id": "%s", "payment_method_id": "%s"}""".formatted(a.id("customers"),
            a.id("options"), a.id("payment_methods")),
        "POST /api/v1/subscriptions", a -> """
            {"customer_id": "%s", "option_id": "%s", "payment_method_id": "%s"}""".formatted(a.id("customers"),
            a.id("options"), a.id("payment_methods")),
        "POST /api/v1/refunds", a -> "{\"payment_id\": \"%s\"}".formatted(a.id("payments")),
        "POST /api/v1/usage", a -> "{\"subscription_id\": \"%s\", \"quantity\": 1}".formatted(a.id("subscriptions")),
        "POST /api/v1/checkouts", a -> "{\"name\": \"Theirs\", \"product_id\": \"%s\"}".formatted(a.id("products")),
        "POST /api/v1/tasks", a -> "{\"title\": \"Theirs\", \"customer_id\": \"%s\"}".formatted(a.id("customers")),
        "POST /api/v1/events", a -> "{\"type\": \"acme.theirs\", \"customer_id\": \"%s\"}".formatted(
            a.id("customers")),
        "POST /api/v1/events/batch", a -> "{\"events\": [{\"type\": \"acme.theirs\", \"customer_id\": \"%s\"}]}"
            .formatted(a.id("customers")),
        "POST /api/v1/portal_sessions", a -> "{\"customer_id\": \"%s\"}".formatted(a.id("customers")));

    /** Valid bodies for operations on an id, so that only the id's owner can make them fail. */
    /** What A itself answers, other than 200, on a read of its own object, and why. */
    private static final Map<String, Integer> OWN_STATUS = Map.of(
        // The fixture's automation is started by hand: it has no past events to be backtested over.
        "GET /api/v1/automations/{id}/backtest", 409);

    private static final Map<String, Function<TenantFixture, String>> BODIES = Map.of(
        "PUT /api/v1/subscriptions/{id}/usage_thresholds", a -> "{\"thresholds\": [10]}",
        "PUT /api/v1/automations/{id}", a -> """
            {"name": "Mine now", "trigger": {"type": "manual"},
             "steps": [{"id": "todo", "type": "action", "action": "create_task", "params": {"title": "Call"}}]}""",
        "POST /api/v1/subscriptions/{id}/change_card",
        a -> "{\"payment_method_id\": \"%s\"}".formatted(a.id("payment_methods")),
        "POST /api/v1/payment_plans/{id}/change_card",
        a -> "{\"payment_method_id\": \"%s\"}".formatted(a.id("payment_methods")),
        "POST /api/v1/customers/{customerId}/payment_methods", a -> "{\"token\": \"pm_card_visa\"}");

    /** Query parameters that filter a list by an object, and the collection that object lives in. */
    private static final Map<String, String> QUERY_IDS = Map.of("customer_id", "customers", "automation_id",
        "automations", "subscription_id", "subscriptions", "product_id", "products", "checkout_id", "checkouts",
        "order_id", "orders", "payment_id", "payments", "execution_id", "executions", "invoice_id", "invoices");

    @Autowired
    Api api;

    @Autowired
    TestAccounts accounts;

    @Test
    void anotherAccountsKeyFindsNothingOfAnAccountOnAnyOperation() {
        var a = accounts.create();
        String b = accounts.create().apiKey();
        var fixture = TenantFixture.of(api, a);
        var docs = api.get("/v3/api-docs", null).json().get("paths");
        var uncovered = new ArrayList<String>();
        var failures = new ArrayList<String>();
        var before = reads(docs, fixture, a.apiKey());
        int tried = 0;
        int calls = 0;
        int allowed = 0;
        for (var path : docs.properties()) {
            for (var operation : path.getValue().properties()) {
                String method = operation.getKey().toUpperCase(Locale.ROOT);
                String template = path.getKey();
                String name = method + " " + template;
                if (!PATH_PARAM.matcher(template).find()) {
                    if (method.equals("GET")) {
                        tried++;
                        calls += sweepList(name, template, operation.getValue(), fixture, b, failures);
                    } else if (FOREIGN_BODIES.containsKey(name)) {
                        tried++;
                        calls++;
                        expectRefused(name, send(method, template, b, FOREIGN_BODIES.get(name).apply(fixture)),
                            fixture, failures);
                    } else if (OWN_ACCOUNT_ONLY.containsKey(name)) {
                        allowed++;
                    } else {
                        uncovered.add(name + ": no id in its path; give it a body naming A's objects or a reason");
                    }
                    continue;
                }
                String concrete = concrete(template, fixture);
                if (concrete == null) {
                    uncovered.add(name + ": the fixture makes no object for " + params(template));
                    continue;
                }
                tried++;
                calls++;
                String body = BODIES.containsKey(name)
                    ? BODIES.get(name).apply(fixture)
                    : method.equals("GET") || method.equals("DELETE") ? null : "{}";
                if (method.equals("GET")) {
                    var own = api.get(concrete, a.apiKey());
                    if (own.status() != OWN_STATUS.getOrDefault(name, 200)) {
                        failures.add(name + ": A itself gets " + own.status() + " on " + concrete + " (fixture?)");
                    }
                }
                var theirs = send(method, concrete, b, body);
                if (theirs.status() != 404) {
                    failures.add(name + " with B's key on A's " + concrete + ": " + theirs.status() + " "
                        + theirs.text());
                }
                leaks(name, theirs, fixture, concrete + body, failures);
            }
        }
        // A write that acted on A's object and only then answered 404 would pass the status check: A reads them all
        // again, and finds each as it was.
        var after = reads(docs, fixture, a.apiKey());
        before.forEach((path, was) -> {
            if (!was.equals(after.get(path))) {
                failures.add("A's " + path + " changed while B called: " + was + " -> " + after.get(path));
            }
        });
        log.info("Tenant sweep: {} (path, method) pairs tried with another account's key in {} calls; {} allowed "
            + "without a foreign id; {} uncovered; {} of A's objects read again unchanged", tried, calls, allowed,
            uncovered.size(), before.size());
        assertThat(uncovered).as("operations the tenant sweep cannot cover").isEmpty();
        assertThat(failures).as("cross-tenant answers").isEmpty();
        assertThat(tried).as("operations read from /v3/api-docs").isGreaterThan(50);
    }

    /**
     * What A reads on each of its objects (every GET with an id in its path), without the moments that move by
     * themselves (a key's last use, a clock's time); of a file, its status.
     */
    private Map<String, String> reads(JsonNode docs, TenantFixture fixture, String key) {
        var reads = new java.util.TreeMap<String, String>();
        for (var path : docs.properties()) {
            String concrete = concrete(path.getKey(), fixture);
            if (path.getValue().has("get") && PATH_PARAM.matcher(path.getKey()).find() && concrete != null) {
                var answer = api.get(concrete, key);
                // A PDF differs by its creation time each time it is made: its status stands for it.
                reads.put(concrete, answer.status() + (answer.text().startsWith("{")
                    ? " " + withoutMoments(answer.json())
                    : ""));
            }
        }
        return reads;
    }

    private static JsonNode withoutMoments(JsonNode node) {
        if (node instanceof tools.jackson.databind.node.ObjectNode object) {
            object.remove(List.of("last_used_at", "now", "request_id"));
            object.properties().forEach(field -> withoutMoments(field.getValue()));
        } else if (node.isArray()) {
            node.forEach(TenantSweepTest::withoutMoments);
        }
        return node;
    }

    /** A list, plain and filtered by A's objects: B's answer holds none of A's ids. */
    private int sweepList(String name, String path, JsonNode operation, TenantFixture a, String b,
        List<String> failures) {
        var plain = api.get(path, b);
        if (plain.status() / 100 != 2) {
            failures.add(name + " with B's key: " + plain.status() + " " + plain.text());
        }
        leaks(name, plain, a, "", failures);
        var filters = new ArrayList<String>();
        var parameters = operation.get("parameters");
        if (parameters != null) {
            for (var parameter : parameters) {
                String param = parameter.get("name").asString();
                if ("query".equals(parameter.get("in").asString()) && QUERY_IDS.containsKey(param)) {
                    filters.add(param + "=" + a.id(QUERY_IDS.get(param)));
                }
            }
        }
        if (filters.isEmpty()) {
            return 1;
        }
        String filtered = path + "?" + String.join("&", filters);
        var answer = api.get(filtered, b);
        if (answer.status() / 100 != 2 && answer.status() != 404 && answer.status() != 400) {
            failures.add(name + " with B's key, filtered by A's objects: " + answer.status() + " " + answer.text());
        }
        leaks(name + "?" + String.join("&", filters), answer, a, filtered, failures);
        return 2;
    }

    private void expectRefused(String name, Api.Response answer, TenantFixture a, List<String> failures) {
        if (answer.status() / 100 != 4 || answer.status() == 403) {
            failures.add(name + " with B's key naming A's objects in the body: " + answer.status() + " "
                + answer.text());
        }
    }

    /** Fails for any of A's ids in B's answer, but for the ones B sent itself (a 404 may name what it did not find). */
    private static void leaks(String name, Api.Response answer, TenantFixture a, String sent, List<String> failures) {
        for (String id : a.all()) {
            if (answer.text().contains(id) && !sent.contains(id)) {
                failures.add(name + " showed B account A's " + id + ": " + answer.text());
            }
        }
    }

    private Api.Response send(String method, String path, String key, String body) {
        return api.send(method, path, key, body,
            body == null ? List.of() : List.of("Content-Type", "application/json"));
    }

    /** The path with each parameter replaced by A's id from the collection named just before it; null if one is missing. */
    private static String concrete(String template, TenantFixture a) {
        Matcher matcher = PATH_PARAM.matcher(template);
        var result = new StringBuilder();
        while (matcher.find()) {
            String before = template.substring(0, matcher.start());
            String collection = before.substring(before.lastIndexOf('/', before.length() - 2) + 1, before.length() - 1);
            String id = a.id(collection);
            if (id == null) {
                return null;
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(id));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    private static List<String> params(String template) {
        return PATH_PARAM.matcher(template).results().map(match -> match.group()).toList();
    }
}
