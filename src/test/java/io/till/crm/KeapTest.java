package io.till.crm;

import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.till.action.ActionResult;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The crm.* actions against a stub shaped like Keap's documented REST API v1. */
@TillIntegrationTest
class KeapTest extends CrmContract {

    static final String TOKEN = "keap-token-0a1b2c3d4e5f";
    static final String CONTACTS = "/crm/rest/v1/contacts";

    @BeforeEach
    void connectKeap() {
        connect("keap", """
            {"access_token": "%s", "base_url": "%s/crm/rest/"}""".formatted(TOKEN, vendor.baseUrl()));
        vendor.stubFor(put(urlEqualTo(CONTACTS)).willReturn(answer(200, """
            {"id": 3021, "given_name": "Ada", "family_name": "King Lovelace",
             "email_addresses": [{"email": "ada@example.com", "field": "EMAIL1"}],
             "phone_numbers": [{"number": "+442079460958", "field": "PHONE1"}]}""")));
    }

    @Test
    void createsOrUpdatesTheContactMatchedOnEmail() {
        var output = output(perform("crm.sync_contact", """
            {"crm": "keap"}"""));

        assertThat(output.get("contact_id").asString()).isEqualTo("3021");
        vendor.verify(1, putRequestedFor(urlEqualTo(CONTACTS))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .withRequestBody(equalToJson("""
                {"duplicate_option": "Email", "given_name": "Ada", "family_name": "King Lovelace",
                 "email_addresses": [{"email": "ada@example.com", "field": "EMAIL1"}]}""", false, true))
            .withRequestBody(matchingJsonPath("$.phone_numbers[0].number", equalTo("+442079460958"))));
    }

    @Test
    void appliesATagFoundByName() {
        vendor.stubFor(get(urlPathEqualTo("/crm/rest/v1/tags")).withQueryParam("name", equalTo("Customer"))
            .willReturn(answer(200, """
                {"tags": [{"id": 91, "name": "Customer", "description": "",
                           "category": {"id": 3, "name": "Lifecycle"}}], "count": 1}""")));
        vendor.stubFor(post(urlEqualTo(CONTACTS + "/3021/tags")).willReturn(answer(200, """
            {"91": "SUCCESS"}""")));

        var output = output(perform("crm.add_tag", """
            {"crm": "keap", "tag": "Customer"}"""));

        assertThat(output.get("tag_id").asString()).isEqualTo("91");
        vendor.verify(1, postRequestedFor(urlEqualTo(CONTACTS + "/3021/tags"))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .withRequestBody(equalToJson("""
                {"tagIds": [91]}""")));
    }

    @Test
    void takesANumericTagAsItsIdWithoutLookingItUp() {
        vendor.stubFor(delete(urlEqualTo(CONTACTS + "/3021/tags/91")).willReturn(answer(204, "")));

        var output = output(perform("crm.remove_tag", """
            {"crm": "keap", "tag": "91"}"""));

        assertThat(output.get("removed").asBoolean()).isTrue();
        vendor.verify(1, deleteRequestedFor(urlEqualTo(CONTACTS + "/3021/tags/91")).withHeader("Authorization",
            equalTo("Bearer " + TOKEN)));
        vendor.verify(0, getRequestedFor(urlPathEqualTo("/crm/rest/v1/tags")));
    }

    /** A review's: a tag found without an id threw inside Till, tried again until the tries ran out. */
    @Test
    void failsForGoodSayingSoWhenKeapAnswersATagWithoutAnId() {
        vendor.stubFor(get(urlPathEqualTo("/crm/rest/v1/tags")).willReturn(answer(200, """
            {"tags": [{"id": null, "name": "Customer"}], "count": 1}""")));

        var result = perform("crm.add_tag", """
            {"crm": "keap", "tag": "Customer"}""");

        assertThat(result).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo("crm_unexpected_answer");
            assertThat(failed.message()).isEqualTo("Keap answered the tag 'Customer' without a usable id");
            assertThat(failed.retryable()).isFalse();
        });
        vendor.verify(0, postRequestedFor(urlPathEqualTo(CONTACTS + "/3021/tags")));
    }

    @Test
    void failsForGoodOnATagNameKeapDoesNotHave() {
        vendor.stubFor(get(urlPathEqualTo("/crm/rest/v1/tags")).willReturn(answer(200, """
            {"tags": [], "count": 0}""")));

        var result = perform("crm.add_tag", """
            {"crm": "keap", "tag": "Customer"}""");

        assertThat(result).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo("crm_tag_not_found");
            assertThat(failed.retryable()).isFalse();
        });
        vendor.verify(0, postRequestedFor(urlPathEqualTo(CONTACTS + "/3021/tags")));
    }

    @Test
    void addsTheContactToACampaignSequence() {
        String sequence = "/crm/rest/v1/campaigns/12/sequences/34/contacts/3021";
        vendor.stubFor(post(urlEqualTo(sequence)).willReturn(answer(204, "")));

        var output = output(perform("crm.start_automation", """
            {"crm": "keap", "automation_id": "12:34"}"""));

        assertThat(output.get("automation_id").asString()).isEqualTo("12:34");
        vendor.verify(1, postRequestedFor(urlEqualTo(sequence)).withHeader("Authorization", equalTo("Bearer "
            + TOKEN)));
    }

    @Test
    void refusesAnAutomationIdThatIsNotCampaignAndSequence() {
        var result = perform("crm.start_automation", """
            {"crm": "keap", "automation_id": "34"}""");

        assertThat(result).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo("invalid_params");
            assertThat(failed.retryable()).isFalse();
        });
    }

    @Test
    void failsForGoodWhenTheGatewayRefusesTheToken() {
        vendor.stubFor(put(urlEqualTo(CONTACTS)).willReturn(answer(401, """
            {"fault": {"faultstring": "Invalid Access Token",
                       "detail": {"errorcode": "keymanagement.service.invalid_access_token"}}}""")));

        var result = perform("crm.sync_contact", """
            {"crm": "keap"}""");

        assertThat(result).isEqualTo(ActionResult.Failed.permanent("crm_unauthorized",
            "Keap answered 401"));
    }

    @Test
    void retriesWhenKeapCannotBeReached() {
        vendor.stop();

        var result = perform("crm.sync_contact", """
            {"crm": "keap"}""");

        assertThat(result).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo("crm_unreachable");
            assertThat(failed.retryable()).isTrue();
            assertThat(failed.message()).startsWith("cannot reach Keap");
        });
    }
}
