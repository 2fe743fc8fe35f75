package io.till.crm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * A CRM's own explanation of a refusal is repeated in a run's log only when the base URL is the vendor's API: one
 * aimed elsewhere (an internal service, where TILL_EGRESS_ALLOW lets Till reach one) is told by status alone, as every
 * other outbound call is, so that the log is no window onto what it answers.
 */
class CrmVendorWordsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void onlyTheVendorsOwnApiHostsAreTheVendors() {
        assertThat(CrmType.ACTIVECAMPAIGN.ownHost("acme.api-us1.com")).isTrue();
        assertThat(CrmType.ACTIVECAMPAIGN.ownHost("acme.activehosted.com")).isTrue();
        assertThat(CrmType.HUBSPOT.ownHost("api.hubapi.com")).isTrue();
        assertThat(CrmType.KEAP.ownHost("api.infusionsoft.com")).isTrue();
        assertThat(CrmType.ACTIVECAMPAIGN.ownHost("api-us1.com.internal.example")).isFalse();
        assertThat(CrmType.ACTIVECAMPAIGN.ownHost("10.20.0.7")).isFalse();
        assertThat(CrmType.HUBSPOT.ownHost("api.hubapi.com.evil.example")).isFalse();
        assertThat(CrmType.KEAP.ownHost("127.0.0.1")).isFalse();
        assertThat(CrmType.HUBSPOT.ownHost(null)).isFalse();
    }

    @Test
    void readsEachVendorsExplanationFromItsAnswer() {
        assertThat(CrmHttp.explanation(JSON.readTree("{\"message\": \"Invalid Access Token\"}")))
            .isEqualTo("Invalid Access Token");
        assertThat(CrmHttp.explanation(JSON.readTree("""
            {"errors": [{"title": "Email address is not valid.", "code": "email_invalid"}]}""")))
            .isEqualTo("Email address is not valid.");
        assertThat(CrmHttp.explanation(JSON.readTree("{\"fault\": {\"faultstring\": \"Developer Inactive\"}}")))
            .isEqualTo("Developer Inactive");
        assertThat(CrmHttp.explanation(JSON.readTree("{\"message\": \"" + "x".repeat(300) + "\"}"))).hasSize(201);
        assertThat(CrmHttp.explanation(JSON.readTree("{\"status\": 500}"))).isEmpty();
    }
}
