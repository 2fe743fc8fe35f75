package io.till.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.action.ActionCall;
import io.till.action.ActionResult;
import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An email or SMS a step marks {@code marketing} reaches only a customer who gave marketing consent; one about
 * something they bought goes regardless. A review found every promotion reaching customers who had withdrawn consent
 * unless its automation remembered a condition.
 */
@TillIntegrationTest
class MarketingConsentTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    SendEmailAction sendEmail;
    @Autowired
    SendSmsAction sendSms;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient db;

    @Test
    void aMarketingMessageReachesOnlyACustomerWhoConsentedAndAnyOtherMessageReachesEveryone() {
        var store = accounts.create();
        String yes = customer(store, "yes", true);
        String no = customer(store, "no", false);
        String email = """
            {"to": "%s@example.com", "subject": "20%% off", "text": "Come back.", "marketing": %s}""";
        String sms = """
            {"to": "+447700900123", "text": "20%% off", "marketing": %s}""";

        var offered = sendEmail.perform(call(store, yes, "e1", email.formatted("yes", true)));
        var withheld = sendEmail.perform(call(store, no, "e2", email.formatted("no", true)));
        var receipt = sendEmail.perform(call(store, no, "e3", email.formatted("no", false)));
        var texted = sendSms.perform(call(store, yes, "s1", sms.formatted(true)));
        var notTexted = sendSms.perform(call(store, no, "s2", sms.formatted(true)));
        var aboutNobody = sendEmail.perform(call(store, null, "e4", email.formatted("anyone", true)));

        for (var sent : List.of(offered, receipt, texted)) {
            assertThat(sent).isInstanceOfSatisfying(ActionResult.Done.class,
                done -> assertThat(done.output().has("message_id")).as(done.output().toString()).isTrue());
        }
        for (var skipped : List.of(withheld, notTexted)) {
            assertThat(skipped).isInstanceOfSatisfying(ActionResult.Done.class, done -> {
                assertThat(done.output().get("sent").asBoolean()).isFalse();
                assertThat(done.output().get("skipped").asString()).isEqualTo("no_marketing_consent");
            });
        }
        assertThat(aboutNobody).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo("no_customer");
            assertThat(failed.retryable()).isFalse();
        });
        assertThat(db.sql("SELECT to_address FROM dev_messages WHERE account_id = :id ORDER BY to_address")
            .param("id", store.id()).query(String.class).list())
            .containsExactly("+447700900123", "no@example.com", "yes@example.com");
    }

    private String customer(TestAccounts.TestAccount store, String name, boolean consent) {
        var created = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "%s", "email": "%s@example.com", "marketing_consent": %s}""".formatted(name, name, consent));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private ActionCall call(TestAccounts.TestAccount store, String customer, String key, String params) {
        return new ActionCall(store.id(), "exe_consent", "step", "exe_consent:" + key, 1, customer,
            (ObjectNode) JSON.readTree(params), clock.instant());
    }
}
