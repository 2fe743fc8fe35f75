package io.till.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

/**
 * The largest events Till raises fit the webhook payload cap ({@value WebhookDispatcher#MAX_PAYLOAD} bytes): a store at
 * every documented limit (a customer with 50 tags and 50 metadata keys, a product of 50 options, a checkout of 20
 * addons and 20 upsells, a purchase of all 20 addons with a promo code and a billing address, an upsell accepted),
 * each text at its most characters and each character the widest Till accepts in it, has every event delivered. Were
 * one over, a seller's integration would silently miss the purchase.
 */
@TillIntegrationTest
class LargestEventsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Three bytes in UTF-8, written as they are: the widest character free text may hold. A control character, which
     * JSON writes in six ({@code FreeTextLimitsTest}), is refused; a line break or a tab, in a description, takes two;
     * a character outside the BMP takes four, but counts as two characters.
     */
    private static final String WIDE = "\u20ac";

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    WebhookAgenda agenda;
    @Autowired
    MutableClock clock;

    @Test
    void everyEventOfAStoreAtEveryLimitFitsAWebhookAndIsDelivered() {
        var store = accounts.create();
        try (var receiver = new Receiver()) {
            var endpoint = post(store.apiKey(), "/api/v1/webhook_endpoints", Map.of("url", receiver.url("/hooks"),
                "event_types", List.of("*")));

            var customer = post(store.apiKey(), "/api/v1/customers", customer("a"));
            String customerId = customer.get("id").asString();
            patch(store.apiKey(), "/api/v1/customers/" + customerId, customer("b"));

            var options = new ArrayList<Map<String, Object>>();
            options.add(Map.of("name", text("s", 200), "kind", "subscription", "amount", 1900, "currency", "usd",
                "interval", "month"));
            IntStream.range(1, 50).forEach(i -> options.add(Map.of("name", text("o" + i, 200), "kind", "one_time",
                "amount", 500, "currency", "usd")));
            var product = post(store.apiKey(), "/api/v1/products", Map.of("name", text("p", 200), "description",
                text("d", 5_000), "options", options));
            var optionIds = new ArrayList<String>();
            product.get("options").forEach(option -> optionIds.add(option.get("id").asString()));

            var checkout = post(store.apiKey(), "/api/v1/checkouts", Map.of("name", text("c", 200), "product_id",
                product.get("id").asString(),
                "addons", IntStream.range(0, 20).mapToObj(i -> Map.of("name", text("a" + i, 200), "amount", 100,
                    "currency", "usd")).toList(),
                "upsells", IntStream.range(0, 20).mapToObj(i -> Map.of("name", text("u" + i, 200), "option_id",
                    optionIds.get(i + 1))).toList()));
            var addonIds = new ArrayList<String>();
            checkout.get("addons").forEach(addon -> addonIds.add(addon.get("id").asString()));
            var upsellIds = new ArrayList<String>();
            checkout.get("upsells").forEach(upsell -> upsellIds.add(upsell.get("id").asString()));

            String code = "C".repeat(40);
            post(store.apiKey(), "/api/v1/promo_codes", Map.of("code", code, "percent_off", 10));

            var address = new LinkedHashMap<String, Object>();
            address.put("name", text("n", 200));
            address.put("line1", text("l", 200));
            address.put("line2", text("m", 200));
            address.put("city", text("c", 100));
            address.put("postal_code", text("z", 20));
            address.put("region", text("r", 100));
            address.put("country", "GB");
            var order = post(store.apiKey(), "/api/v1/checkouts/" + checkout.get("id").asString() + "/purchases",
                Map.of("customer_id", customerId, "token", "pm_card_visa", "option_id", optionIds.getFirst(),
                    "addon_ids", addonIds, "promo_code", code, "billing_address", address));
            String orderId = order.get("id").asString();
            post(store.apiKey(), "/api/v1/orders/" + orderId + "/upsells/" + upsellIds.getFirst() + "/accept",
                Map.of());
            upsellIds.stream().skip(1).forEach(upsell -> post(store.apiKey(), "/api/v1/orders/" + orderId
                + "/upsells/" + upsell + "/decline", Map.of()));

            var events = api.get("/api/v1/events?limit=100", store.apiKey()).json().get("data");
            String deliveriesPath = "/api/v1/webhook_endpoints/" + endpoint.get("id").asString()
                + "/deliveries?limit=100";
            var unsent = new ArrayList<String>();
            // A delivery waits when the sender had as many calls open to the host as it makes, or a slow machine timed
            // one out: it is due again within seconds, then minutes. One over the cap fails at once, for good.
            for (int round = 0; round < 5; round++) {
                agenda.runDue();
                unsent.clear();
                api.get(deliveriesPath, store.apiKey()).json().get("data").forEach(delivery -> {
                    if (!delivery.get("status").asString().equals("succeeded")) {
                        unsent.add(delivery.get("event_type").asString() + " " + delivery.get("status").asString()
                            + ": " + delivery.get("last_error"));
                    }
                });
                if (unsent.stream().noneMatch(delivery -> delivery.contains(" pending: "))) {
                    break;
                }
                clock.advance(Duration.ofMinutes(6));
            }
            assertThat(unsent).as("deliveries that did not succeed").isEmpty();
            assertThat(api.get(deliveriesPath, store.apiKey()).json().get("data")).as("one delivery per event")
                .hasSize(events.size());

            var received = receiver.requests().stream()
                .collect(Collectors.toMap(request -> request.header("webhook-id"), request -> request,
                    (first, again) -> first))
                .values();
            assertThat(received).hasSize(events.size());
            var largest = received.stream().max(Comparator.comparingInt(LargestEventsTest::bytes)).orElseThrow();
            System.out.printf("Largest of %d webhooks: %s, %,d bytes (cap %,d)%n", received.size(),
                JSON.readTree(largest.body()).get("type").asString(), bytes(largest), WebhookDispatcher.MAX_PAYLOAD);
            received.stream().sorted(Comparator.comparingInt(LargestEventsTest::bytes).reversed()).limit(8)
                .forEach(request -> System.out.printf("  %,9d  %s%n", bytes(request), JSON.readTree(request.body())
                    .get("type").asString()));
            assertThat(bytes(largest)).isLessThanOrEqualTo(WebhookDispatcher.MAX_PAYLOAD);
        }
    }

    /** A customer at every limit: its name, email, 50 tags and 50 metadata keys each at its longest. */
    private static Map<String, Object> customer(String variant) {
        var metadata = new LinkedHashMap<String, Object>();
        IntStream.range(0, 50).forEach(i -> metadata.put(text(variant + i, 40), text(variant, 500)));
        return Map.of("name", text(variant, 200),
            "email", variant.repeat(64) + "@" + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(57) + ".com",
            "phone", "+1415555012" + (variant.equals("a") ? "3" : "4"),
            "tags", IntStream.range(0, 50).mapToObj(i -> text(variant + i, 50)).toList(),
            "metadata", metadata,
            "marketing_consent", variant.equals("b"));
    }

    /** {@code prefix} made {@code length} characters long with the widest characters. */
    private static String text(String prefix, int length) {
        return prefix + WIDE.repeat(length - prefix.length());
    }

    private static int bytes(Receiver.Request request) {
        return request.body().getBytes(StandardCharsets.UTF_8).length;
    }

    private tools.jackson.databind.JsonNode post(String apiKey, String path, Object body) {
        var response = api.post(path, apiKey, JSON.writeValueAsString(body));
        assertThat(response.status()).as(path + ": " + response.text()).isBetween(200, 201);
        return response.json();
    }

    private void patch(String apiKey, String path, Object body) {
        var response = api.patch(path, apiKey, JSON.writeValueAsString(body));
        assertThat(response.status()).as(path + ": " + response.text()).isEqualTo(200);
    }
}
