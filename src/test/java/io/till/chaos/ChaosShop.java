package io.till.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import java.util.ArrayList;
import java.util.List;

/**
 * The store the chaos suite runs on, set up through the API of one node before any fault: an SMTP integration, a
 * webhook endpoint, a few invoices that stay unpaid (trial subscriptions whose card declines every charge), and two
 * automations.
 * <ul>
 * <li><b>Collect</b>, on the custom event {@code chaos.collect}, retries the invoice it names: the decline records a
 * {@code payment.failed}, as any declined charge does;
 * <li><b>Dunning</b>, on {@code payment.failed}: {@code send_webhook}, {@code retry_payment} of the invoice,
 * {@code send_email} to the customer. Its own retry declines too, and Till does not start an automation again on an
 * event its own run caused, so each {@code chaos.collect} makes exactly one dunning run.
 * </ul>
 */
record ChaosShop(String collect, String dunning, String endpoint, List<String> invoices) {

    static ChaosShop open(Api api, String key, int smtpPort, String smtpPassword, String receiverUrl, int invoices) {
        created(api.post("/api/v1/integrations", key, """
            {"type": "smtp", "config": {"host": "127.0.0.1", "port": %d, "username": "till", "password": "%s",
             "starttls": false, "from_email": "shop@shop.test"}}""".formatted(smtpPort, smtpPassword)));
        String endpoint = created(api.post("/api/v1/webhook_endpoints", key, """
            {"url": "%s", "event_types": ["chaos.unused"]}""".formatted(receiverUrl))).get("id").asString();
        var product = created(api.post("/api/v1/products", key, """
            {"name": "Membership", "options": [{"name": "Trial", "kind": "subscription", "amount": 1900,
              "currency": "usd", "interval": "month", "trial_days": 14}]}"""));
        String checkout = created(api.post("/api/v1/checkouts", key, """
            {"name": "Join", "product_id": "%s"}""".formatted(product.get("id").asString()))).get("id").asString();
        String option = product.get("options").get(0).get("id").asString();
        for (int i = 0; i < invoices; i++) {
            created(api.post("/api/v1/checkouts/" + checkout + "/purchases", key, """
                {"customer": {"name": "Buyer %d", "email": "buyer%d@example.com"},
                 "token": "pm_card_chargeCustomerFail", "option_id": "%s"}""".formatted(i, i, option)));
        }
        var advanced = api.post("/api/v1/test_clock/advance", key, "{\"by\": \"P14DT12H\"}");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        var unpaid = new ArrayList<String>();
        api.get("/api/v1/invoices?limit=100", key).json().get("data").forEach(invoice -> {
            if (invoice.get("status").asString().equals("issued")) {
                unpaid.add(invoice.get("id").asString());
            }
        });
        assertThat(unpaid).as("unpaid invoices after the trials ended").hasSize(invoices);

        String collect = activate(api, key, """
            {"name": "Collect", "trigger": {"type": "event", "event": "chaos.collect"},
             "steps": [{"id": "collect", "type": "action", "action": "retry_payment",
                        "params": {"invoice_id": "{{event.data.invoice_id}}"}}]}""");
        String dunning = activate(api, key, """
            {"name": "Dunning", "trigger": {"type": "event", "event": "payment.failed"},
             "steps": [{"id": "notify", "type": "action", "action": "send_webhook",
                        "params": {"endpoint_id": "%s", "event_type": "dunning.started",
                                   "payload": {"invoice": "{{invoice.id}}"}}},
                       {"id": "retry", "type": "action", "action": "retry_payment",
                        "params": {"invoice_id": "{{invoice.id}}"}},
                       {"id": "mail", "type": "action", "action": "send_email",
                        "params": {"to": "{{customer.email}}", "subject": "Your payment did not go through",
                                   "text": "Please update your card."}}]}""".formatted(endpoint));
        return new ChaosShop(collect, dunning, endpoint, List.copyOf(unpaid));
    }

    private static String activate(Api api, String key, String definition) {
        String id = created(api.post("/api/v1/automations", key, definition)).get("id").asString();
        var activated = api.post("/api/v1/automations/" + id + "/activate", key, null);
        assertThat(activated.status()).as(activated.text()).isEqualTo(200);
        return id;
    }

    private static tools.jackson.databind.JsonNode created(Api.Response response) {
        assertThat(response.status()).as(response.text()).isIn(200, 201);
        return response.json();
    }
}
