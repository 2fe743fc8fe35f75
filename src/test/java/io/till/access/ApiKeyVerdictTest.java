package io.till.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.account.ApiKeys;
import io.till.shared.ErrorCode;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request the posted-event shortcut checked and handed on carries the gate's verdict on its key, and the API chain
 * takes it instead of looking the key up again: a stranger's unknown key costs one lookup, not two.
 */
@TillIntegrationTest
class ApiKeyVerdictTest {

    @Autowired
    ApiKeys apiKeys;
    @Autowired
    ProblemEntryPoint entryPoint;
    @Autowired
    ApiKeyGate gate;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JsonMapper json;

    @Test
    void theApiChainTakesTheGatesVerdictOnTheSameRequest() throws Exception {
        var store = accounts.create();
        // The header holds a valid key; the verdict says otherwise: only a chain that does not look again refuses.
        var request = request(store.apiKey());
        request.setAttribute(ApiKeyAuthenticationFilter.VERDICT, new ApiKeys.Authentication.Rejected(
            ErrorCode.API_KEY_REVOKED, "This API key was revoked."));
        var response = new MockHttpServletResponse();
        var chain = new MockFilterChain();

        new ApiKeyAuthenticationFilter(apiKeys, entryPoint).doFilter(request, response, chain);

        assertThat(chain.getRequest()).isNull();
        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(json.readTree(response.getContentAsByteArray()).get("code").asString())
            .isEqualTo("api_key_revoked");
    }

    @Test
    void theGateLeavesItsVerdictOnTheRequest() {
        var store = accounts.create();
        var request = request(store.apiKey());

        assertThat(gate.caller(request)).isPresent();

        assertThat(request.getAttribute(ApiKeyAuthenticationFilter.VERDICT))
            .isInstanceOf(ApiKeys.Authentication.Accepted.class);
    }

    private static MockHttpServletRequest request(String key) {
        var request = new MockHttpServletRequest("POST", "/api/v1/events");
        request.addHeader("Authorization", "Bearer " + key);
        return request;
    }
}
