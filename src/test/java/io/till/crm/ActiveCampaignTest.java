package io.till.crm;

import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.till.action.ActionResult;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

/** The crm.* actions against a stub shaped like ActiveCampaign's documented API v3. */
@TillIntegrationTest
class ActiveCampaignTest extends CrmContract {

    static final String KEY = "ac-key-1f2e3d4c5b6a";
    static final String SYNCED = """
        {"fieldValues": [], "contact": {"email": "ada@example.com", "firstName": "Ada", "lastName": "King Lovelace",
         "phone": "+442079460958", "cdate": "2026-01-05T10:00:00-06:00", "udate": "2026-01-05T10:00:00-06:00",
         "id": "113", "links": {}}}""";

    @BeforeEach
    void connectActiveCampaign() {
        connect("activecampaign", """
            {"base_url": "%s", "api_key": "%s"}""".formatted(vendor.baseUrl(), KEY));
    }

    void contactSyncs() {
        vendor.stubFor(post(urlEqualTo("/api/3/contact/sync")).willReturn(answer(201, SYNCED)));
    }

    void tagsSearchFinds(String search, String body) {
        vendor.stubFor(get(urlPathEqualTo("/api/3/tags")).withQueryParam("search", equalTo(search)).willReturn(
            answer(200, body)));
    }

    @Test
    void syncsTheCustomerAsAContactByEmail() {
        contactSyncs();

        var result = perform("crm.sync_contact", """
            {"crm": "activecampaign"}""");

        assertThat(output(result))
            .isEqualTo(output(new ActionResult.Done(tools.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("crm", "activecampaign").put("contact_id", "113"))));
        vendor.verify(1, postRequestedFor(urlEqualTo("/api/3/contact/sync"))
            .withHeader("Api-Token", equalTo(KEY))
            .withHeader("Content-Type", equalTo("application/json"))
            .withRequestBody(equalToJson("""
                {"contact": {"email": "ada@example.com", "firstName": "Ada", "lastName": "King Lovelace",
                             "phone": "+442079460958"}}""")));
    }

    @Test
    void addsAnExistingTagFoundByExactName() {
        contactSyncs();
        tagsSearchFinds("vip", """
            {"tags": [{"tagType": "contact", "tag": "vip-gold", "description": "", "id": "15"},
                      {"tagType": "contact", "tag": "VIP", "description": "", "id": "16"}],
             "meta": {"total": "2"}}""");
        vendor.stubFor(post(urlEqualTo("/api/3/contactTags")).willReturn(answer(201, """
            {"contactTag": {"cdate": "2026-01-05T10:00:00-06:00", "contact": "113", "id": "9", "tag": "16"}}""")));

        var output = output(perform("crm.add_tag", """
            {"crm": "activecampaign", "tag": "vip"}"""));

        assertThat(output.get("contact_id").asString()).isEqualTo("113");
        assertThat(output.get("tag_id").asString()).isEqualTo("16");
        vendor.verify(1, postRequestedFor(urlEqualTo("/api/3/contactTags"))
            .withHeader("Api-Token", equalTo(KEY))
            .withRequestBody(equalToJson("""
                {"contactTag": {"contact": "113", "tag": "16"}}""")));
        vendor.verify(0, postRequestedFor(urlEqualTo("/api/3/tags")));
    }

    /** The search answers every tag containing the text, a page at a time: the exact one may be on a later page. */
    @Test
    void findsTheExactTagOnALaterPageOfTheSearch() {
        contactSyncs();
        var firstPage = new StringBuilder("{\"tags\": [");
        for (int i = 1; i <= 100; i++) {
            firstPage.append(i == 1 ? "" : ",").append("{\"tag\": \"vip-%03d\", \"id\": \"%d\"}".formatted(i, i));
        }
        firstPage.append("], \"meta\": {\"total\": \"101\"}}");
        vendor.stubFor(get(urlPathEqualTo("/api/3/tags")).withQueryParam("search", equalTo("vip"))
            .withQueryParam("offset", equalTo("0")).willReturn(answer(200, firstPage.toString())));
        vendor.stubFor(get(urlPathEqualTo("/api/3/tags")).withQueryParam("search", equalTo("vip"))
            .withQueryParam("offset", equalTo("100")).willReturn(answer(200, """
                {"tags": [{"tag": "VIP", "id": "500"}], "meta": {"total": "101"}}""")));
        vendor.stubFor(post(urlEqualTo("/api/3/contactTags")).willReturn(answer(201, """
            {"contactTag": {"contact": "113", "id": "9", "tag": "500"}}""")));

        var output = output(perform("crm.add_tag", """
            {"crm": "activecampaign", "tag": "vip"}"""));

        assertThat(output.get("tag_id").asString()).isEqualTo("500");
        vendor.verify(0, postRequestedFor(urlEqualTo("/api/3/tags")));
    }

    @Test
    void createsAMissingTagBeforeAddingIt() {
        contactSyncs();
        tagsSearchFinds("customer", """
            {"tags": [], "meta": {"total": "0"}}""");
        vendor.stubFor(post(urlEqualTo("/api/3/tags")).willReturn(answer(201, """
            {"tag": {"tag": "customer", "description": "", "tagType": "contact", "id": "21", "links": {}}}""")));
        vendor.stubFor(post(urlEqualTo("/api/3/contactTags")).willReturn(answer(201, """
            {"contactTag": {"contact": "113", "id": "10", "tag": "21"}}""")));

        var output = output(perform("crm.add_tag", """
            {"crm": "activecampaign", "tag": "customer"}"""));

        assertThat(output.get("tag_id").asString()).isEqualTo("21");
        vendor.verify(1, postRequestedFor(urlEqualTo("/api/3/tags")).withRequestBody(equalToJson("""
            {"tag": {"tag": "customer", "tagType": "contact"}}""", false, true)));
        vendor.verify(1, postRequestedFor(urlEqualTo("/api/3/contactTags")).withRequestBody(equalToJson("""
            {"contactTag": {"contact": "113", "tag": "21"}}""")));
    }

    @Test
    void removesATagThroughTheContactsContactTag() {
        contactSyncs();
        tagsSearchFinds("vip", """
            {"tags": [{"tagType": "contact", "tag": "vip", "id": "16"}], "meta": {"total": "1"}}""");
        vendor.stubFor(get(urlEqualTo("/api/3/contacts/113/contactTags")).willReturn(answer(200, """
            {"contactTags": [{"contact": "113", "tag": "4", "id": "7"}, {"contact": "113", "tag": "16", "id": "9"}]}
            """)));
        vendor.stubFor(delete(urlEqualTo("/api/3/contactTags/9")).willReturn(answer(200, "{}")));

        var output = output(perform("crm.remove_tag", """
            {"crm": "activecampaign", "tag": "vip"}"""));

        assertThat(output.get("removed").asBoolean()).isTrue();
        vendor.verify(1, deleteRequestedFor(urlEqualTo("/api/3/contactTags/9")).withHeader("Api-Token", equalTo(
            KEY)));
        vendor.verify(0, deleteRequestedFor(urlEqualTo("/api/3/contactTags/7")));
    }

    @Test
    void removingATagTheContactLacksDeletesNothing() {
        contactSyncs();
        tagsSearchFinds("vip", """
            {"tags": [{"tagType": "contact", "tag": "vip", "id": "16"}], "meta": {"total": "1"}}""");
        vendor.stubFor(get(urlEqualTo("/api/3/contacts/113/contactTags")).willReturn(answer(200, """
            {"contactTags": [{"contact": "113", "tag": "4", "id": "7"}]}""")));

        var output = output(perform("crm.remove_tag", """
            {"crm": "activecampaign", "tag": "vip"}"""));

        assertThat(output.get("removed").asBoolean()).isFalse();
        vendor.verify(1, getRequestedFor(urlEqualTo("/api/3/contacts/113/contactTags")));
        vendor.verify(0, deleteRequestedFor(urlPathEqualTo("/api/3/contactTags/7")));
    }

    @Test
    void addsTheContactToAnAutomation() {
        contactSyncs();
        vendor.stubFor(post(urlEqualTo("/api/3/contactAutomations")).willReturn(answer(201, """
            {"contacts": [], "contactAutomation": {"contact": "113", "seriesid": "42", "status": "1", "id": "5"}}""")));

        var output = output(perform("crm.start_automation", """
            {"crm": "activecampaign", "automation_id": "42"}"""));

        assertThat(output.get("automation_id").asString()).isEqualTo("42");
        vendor.verify(1, postRequestedFor(urlEqualTo("/api/3/contactAutomations"))
            .withHeader("Api-Token", equalTo(KEY))
            .withRequestBody(equalToJson("""
                {"contactAutomation": {"contact": "113", "automation": "42"}}""")));
    }

    @Test
    void aStepRunAgainAfterItEnrolledTheContactDoesNotEnrolItTwice() {
        contactSyncs();
        vendor.stubFor(post(urlEqualTo("/api/3/contactAutomations")).willReturn(answer(201, """
            {"contacts": [], "contactAutomation": {"contact": "113", "seriesid": "42", "status": "1", "id": "5"}}""")));

        // The same step twice, as after a crash between the call and the step's result being written.
        var first = output(perform("crm.start_automation", """
            {"crm": "activecampaign", "automation_id": "42"}"""));
        var again = output(perform("crm.start_automation", """
            {"crm": "activecampaign", "automation_id": "42"}"""));

        assertThat(again).isEqualTo(first);
        vendor.verify(1, postRequestedFor(urlEqualTo("/api/3/contactAutomations")));
    }

    @Test
    void retriesARateLimitNoSoonerThanActiveCampaignAsks() {
        vendor.stubFor(post(urlEqualTo("/api/3/contact/sync")).willReturn(answer(429, """
            {"message": "Too Many Requests"}""").withHeader("Retry-After", "12")));

        var result = perform("crm.sync_contact", """
            {"crm": "activecampaign"}""");

        assertThat(result).isEqualTo(new ActionResult.Failed("crm_rate_limited",
            "ActiveCampaign answered 429", true, Duration.ofSeconds(12)));
    }

    @Test
    void failsForGoodWhenTheKeyIsRefusedAndRetriesAnOutage() {
        vendor.stubFor(post(urlEqualTo("/api/3/contact/sync")).willReturn(answer(403, """
            {"message": "You are not authorized to access this resource"}""")));
        var refused = perform("crm.sync_contact", """
            {"crm": "activecampaign"}""");
        vendor.resetAll();
        vendor.stubFor(post(urlEqualTo("/api/3/contact/sync")).willReturn(answer(503, "<html>down</html>")));
        var down = perform("crm.sync_contact", """
            {"crm": "activecampaign"}""");

        assertThat(refused).isEqualTo(ActionResult.Failed.permanent("crm_unauthorized",
            "ActiveCampaign answered 403"));
        assertThat(down).isEqualTo(new ActionResult.Failed("crm_unavailable",
            "ActiveCampaign answered 503", true, null));
    }

    @Test
    void tellsARejectedContactByItsStatusFromAHostThatIsNotActiveCampaigns() {
        vendor.stubFor(post(urlEqualTo("/api/3/contact/sync")).willReturn(answer(422, """
            {"errors": [{"title": "Email address is not valid.", "detail": "", "code": "email_invalid",
                         "source": {"pointer": "/data/attributes/email"}}]}""")));

        var result = perform("crm.sync_contact", """
            {"crm": "activecampaign"}""");

        assertThat(result).isEqualTo(ActionResult.Failed.permanent("crm_rejected",
            "ActiveCampaign answered 422"));
    }

    @Test
    void failsForGoodWhenTheCrmIsNotConnected() {
        var result = perform("crm.sync_contact", """
            {"crm": "keap"}""");

        assertThat(result).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo("integration_missing");
            assertThat(failed.retryable()).isFalse();
        });
        assertThat(vendor.getAllServeEvents()).isEmpty();
    }

    @Test
    void testsTheConnectionBySigningIn() {
        vendor.stubFor(get(urlEqualTo("/api/3/users/me")).withHeader("Api-Token", equalTo(KEY)).willReturn(answer(
            200, """
                {"user": {"username": "owner", "email": "owner@shop.test", "id": "1"}}""")));

        var tested = api.post("/api/v1/integrations/activecampaign/test", store.apiKey(), null);

        assertThat(tested.status()).as(tested.text()).isEqualTo(200);
        assertThat(tested.json().get("ok").asBoolean()).isTrue();
        assertThat(tested.json().get("message").asString()).isEqualTo("signed in");
    }

    @Test
    void reportsARefusedSignInAsAFailedConnectionTestInItsOwnWordsNeverTheVendors() {
        vendor.stubFor(get(urlEqualTo("/api/3/users/me")).willReturn(answer(403, """
            {"message": "No Result found for Subscriber with id 0"}""")));

        var tested = api.post("/api/v1/integrations/activecampaign/test", store.apiKey(), null);

        assertThat(tested.json().get("ok").asBoolean()).isFalse();
        assertThat(tested.json().get("message").asString()).isEqualTo("The server refused the credentials.");
        assertThat(tested.text()).doesNotContain("Subscriber");
    }
}
