package io.till.crm;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.till.action.ActionResult;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The crm.* actions against a stub shaped like HubSpot's documented CRM v3 and workflows v2 APIs; tags are the
 * values of a multiple-checkbox contact property.
 */
@TillIntegrationTest
class HubSpotTest extends CrmContract {

    static final String TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555";
    static final String UPSERT = "/crm/v3/objects/contacts/batch/upsert";
    static final String UPSERTED = """
        {"status": "COMPLETE", "results": [{"id": "151", "properties": {"email": "ada@example.com",
          "firstname": "Ada", "lastname": "King Lovelace", "phone": "+442079460958"},
          "createdAt": "2026-01-05T10:00:00Z", "updatedAt": "2026-01-05T10:00:00Z", "archived": false, "new": false}],
         "startedAt": "2026-01-05T10:00:00Z", "completedAt": "2026-01-05T10:00:01Z"}""";

    void connectHubSpot(String extra) {
        connect("hubspot", """
            {"access_token": "%s", "base_url": "%s"%s}""".formatted(TOKEN, vendor.baseUrl(), extra));
        vendor.stubFor(post(urlEqualTo(UPSERT)).willReturn(answer(200, UPSERTED)));
    }

    void contactHasTags(String property, String value) {
        vendor.stubFor(get(urlPathEqualTo("/crm/v3/objects/contacts/151")).withQueryParam("properties", equalTo(
            property)).willReturn(answer(200,
                """
                    {"id": "151", "properties": {"%s": %s, "hs_object_id": "151"}, "archived": false}""".formatted(
                    property, value))));
        vendor.stubFor(patch(urlEqualTo("/crm/v3/objects/contacts/151")).willReturn(answer(200, """
            {"id": "151", "properties": {}, "archived": false}""")));
    }

    @Test
    void upsertsTheContactByEmail() {
        connectHubSpot("");

        var output = output(perform("crm.sync_contact", """
            {"crm": "hubspot"}"""));

        assertThat(output.get("contact_id").asString()).isEqualTo("151");
        vendor.verify(1, postRequestedFor(urlEqualTo(UPSERT))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .withHeader("Content-Type", equalTo("application/json"))
            .withRequestBody(equalToJson("""
                {"inputs": [{"idProperty": "email", "id": "ada@example.com",
                             "properties": {"email": "ada@example.com", "firstname": "Ada",
                                            "lastname": "King Lovelace", "phone": "+442079460958"}}]}""")));
    }

    /** A customer whose personal data was erased is not made a contact again, from what is left of them. */
    @Test
    void anErasedCustomerIsNotSentToTheCrm() {
        connectHubSpot("");
        var redacted = api.post("/api/v1/customers/" + customerId + "/redact", store.apiKey(), null);
        assertThat(redacted.status()).as(redacted.text()).isEqualTo(200);

        var result = perform("crm.sync_contact", """
            {"crm": "hubspot"}""");

        assertThat(result).isInstanceOfSatisfying(io.till.action.ActionResult.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo("customer_erased");
            assertThat(failed.retryable()).isFalse();
        });
        assertThat(vendor.getAllServeEvents()).isEmpty();
    }

    @Test
    void addsATagAsAValueOfTheTagProperty() {
        connectHubSpot("");
        contactHasTags("till_tags", "\"vip;beta\"");

        var output = output(perform("crm.add_tag", """
            {"crm": "hubspot", "tag": "customer"}"""));

        assertThat(output.get("tag").asString()).isEqualTo("customer");
        vendor.verify(1, patchRequestedFor(urlEqualTo("/crm/v3/objects/contacts/151"))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .withRequestBody(equalToJson("""
                {"properties": {"till_tags": "vip;beta;customer"}}""")));
    }

    /**
     * A read of the contact's tags answered with something that is not JSON (a proxy's page in front of a custom base
     * URL, an answer cut at the size Till reads) fails the step, to be tried again, and writes nothing: a review found
     * it read as "no tags" and the contact's tags overwritten with the new one alone.
     */
    @Test
    void aTagReadAnsweredWithSomethingThatIsNotJsonWritesNothingAndIsTriedAgain() {
        connectHubSpot("");
        contactHasTags("till_tags", "\"vip;beta\"");
        vendor.stubFor(get(urlPathEqualTo("/crm/v3/objects/contacts/151")).willReturn(WireMock.aResponse()
            .withStatus(200).withHeader("Content-Type", "text/html").withBody("<html><body>Welcome</body></html>")));

        var result = perform("crm.add_tag", """
            {"crm": "hubspot", "tag": "customer"}""");

        assertThat(result).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo("crm_unexpected_answer");
            assertThat(failed.retryable()).isTrue();
            assertThat(failed.message()).isEqualTo("HubSpot answered 200 with a body that is not JSON");
        });
        vendor.verify(0, patchRequestedFor(urlEqualTo("/crm/v3/objects/contacts/151")));
    }

    /**
     * A reviewer's: HubSpot's tags are one property read and written back whole, so two runs tagging one contact at
     * once both read it before either wrote, and the second write dropped the first run's tag. On one node, one run at
     * a time reads and writes a contact's tags: the second reads only after the first wrote.
     */
    @Test
    void twoRunsTaggingOneContactAtOnceTakeTurnsReadingAndWriting() throws Exception {
        connectHubSpot("");
        contactHasTags("till_tags", "\"vip\"");
        // Each read answers after a moment, long enough for a second run to read too were nothing keeping it waiting.
        vendor.stubFor(get(urlPathEqualTo("/crm/v3/objects/contacts/151")).withQueryParam("properties", equalTo(
            "till_tags")).willReturn(answer(200, """
                {"id": "151", "properties": {"till_tags": "vip", "hs_object_id": "151"}, "archived": false}""")
                .withFixedDelay(300)));

        var first = Thread.ofVirtual().start(() -> output(perform("crm.add_tag", """
            {"crm": "hubspot", "tag": "customer"}""", "exe_one")));
        var second = Thread.ofVirtual().start(() -> output(perform("crm.add_tag", """
            {"crm": "hubspot", "tag": "beta"}""", "exe_two")));
        first.join();
        second.join();

        var calls = vendor.getAllServeEvents().stream()
            .filter(event -> event.getRequest().getUrl().startsWith("/crm/v3/objects/contacts/151"))
            .sorted(java.util.Comparator.comparing(event -> event.getRequest().getLoggedDate()))
            .map(event -> event.getRequest().getMethod().getName())
            .toList();
        assertThat(calls).containsExactly("GET", "PATCH", "GET", "PATCH");
    }

    @Test
    void addingATagTheContactHasChangesNothing() {
        connectHubSpot("");
        contactHasTags("till_tags", "\"vip;customer\"");

        output(perform("crm.add_tag", """
            {"crm": "hubspot", "tag": "customer"}"""));

        vendor.verify(0, patchRequestedFor(urlPathEqualTo("/crm/v3/objects/contacts/151")));
    }

    @Test
    void removesATagFromTheConfiguredProperty() {
        connectHubSpot(", \"tag_property\": \"shop_tags\"");
        contactHasTags("shop_tags", "\"vip;customer;beta\"");

        var output = output(perform("crm.remove_tag", """
            {"crm": "hubspot", "tag": "customer"}"""));

        assertThat(output.get("removed").asBoolean()).isTrue();
        vendor.verify(1, patchRequestedFor(urlEqualTo("/crm/v3/objects/contacts/151")).withRequestBody(equalToJson(
            """
                {"properties": {"shop_tags": "vip;beta"}}""")));
    }

    @Test
    void removingATagFromAContactWithNoneChangesNothing() {
        connectHubSpot("");
        contactHasTags("till_tags", "null");

        var output = output(perform("crm.remove_tag", """
            {"crm": "hubspot", "tag": "customer"}"""));

        assertThat(output.get("removed").asBoolean()).isFalse();
        vendor.verify(0, patchRequestedFor(urlPathEqualTo("/crm/v3/objects/contacts/151")));
    }

    @Test
    void enrolsTheContactInAWorkflowByEmail() {
        connectHubSpot("");
        String enrol = "/automation/v2/workflows/7001/enrollments/contacts/ada@example.com";
        vendor.stubFor(post(urlEqualTo(enrol)).willReturn(answer(204, "")));

        var output = output(perform("crm.start_automation", """
            {"crm": "hubspot", "automation_id": "7001"}"""));

        assertThat(output.get("automation_id").asString()).isEqualTo("7001");
        vendor.verify(1, postRequestedFor(urlEqualTo(enrol)).withHeader("Authorization", equalTo("Bearer "
            + TOKEN)));
    }

    @Test
    void retriesHubSpotsSecondlyLimitAfterItsRetryAfter() {
        connectHubSpot("");
        vendor.stubFor(post(urlEqualTo(UPSERT)).willReturn(answer(429, """
            {"status": "error", "message": "You have reached your secondly limit.", "errorType": "RATE_LIMIT",
             "correlationId": "c-1", "policyName": "SECONDLY"}""").withHeader("Retry-After", "1")));

        var result = perform("crm.sync_contact", """
            {"crm": "hubspot"}""");

        assertThat(result).isEqualTo(new ActionResult.Failed("crm_rate_limited",
            "HubSpot answered 429", true, Duration.ofSeconds(1)));
    }

    @Test
    void failsForGoodOnAnExpiredToken() {
        connectHubSpot("");
        vendor.stubFor(post(urlEqualTo(UPSERT)).willReturn(answer(401, """
            {"status": "error", "message": "Authentication credentials not found.", "correlationId": "c-2",
             "category": "INVALID_AUTHENTICATION"}""")));

        var result = perform("crm.add_tag", """
            {"crm": "hubspot", "tag": "customer"}""");

        assertThat(result).isEqualTo(ActionResult.Failed.permanent("crm_unauthorized",
            "HubSpot answered 401"));
        vendor.verify(0, patchRequestedFor(urlPathEqualTo("/crm/v3/objects/contacts/151")));
    }

    @Test
    void failsForGoodWhenATagIsNotAnOptionOfTheProperty() {
        connectHubSpot("");
        contactHasTags("till_tags", "\"vip\"");
        vendor.stubFor(patch(urlEqualTo("/crm/v3/objects/contacts/151")).willReturn(answer(400,
            """
                {"status": "error", "message": "Property values were not valid: customer was not one of the allowed options",
                 "correlationId": "c-3", "category": "VALIDATION_ERROR"}""")));

        var result = perform("crm.add_tag", """
            {"crm": "hubspot", "tag": "customer"}""");

        assertThat(result).isEqualTo(ActionResult.Failed.permanent("crm_rejected", "HubSpot answered 400"));
    }

    @Test
    void aTagContainingASemicolonIsRefusedForGoodWithoutCallingHubSpot() {
        connectHubSpot("");
        contactHasTags("till_tags", "\"vip\"");

        var added = perform("crm.add_tag", """
            {"crm": "hubspot", "tag": "vip;gold"}""");
        var removed = perform("crm.remove_tag", """
            {"crm": "hubspot", "tag": "vip;gold"}""");

        for (var result : List.of(added, removed)) {
            assertThat(result).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
                assertThat(failed.code()).isEqualTo("invalid_params");
                assertThat(failed.message()).startsWith("params.tag: ").contains("';'");
                assertThat(failed.retryable()).isFalse();
            });
        }
        assertThat(vendor.getAllServeEvents()).isEmpty();
    }
}
