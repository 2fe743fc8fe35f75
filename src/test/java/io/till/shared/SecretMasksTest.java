package io.till.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretMasksTest {

    @Test
    void aSlackWebhookUrlShowsItsHostAndWorkspaceLetterOnly() {
        assertThat(SecretMasks.url("https://hooks.slack.com/services/T0123ABC/B0456DEF/xoxSecret"))
            .isEqualTo("https://hooks.slack.com/services/T…/…/****");
    }

    @Test
    void aUrlWithAPortKeepsItsPort() {
        assertThat(SecretMasks.url("http://vm:18190/slok/T0123ABC/B0456DEF/xoxSecret"))
            .isEqualTo("http://vm:18190/slok/T…/…/****");
        assertThat(SecretMasks.url("http://[::1]:8080/services/T0/B0/xoxSecret"))
            .isEqualTo("http://[::1]:8080/services/T…/…/****");
    }

    @Test
    void anythingThatIsNotAnAbsoluteUrlShowsNothing() {
        assertThat(SecretMasks.url("{{customer.hook}}")).isEqualTo("****");
        assertThat(SecretMasks.url("not a url")).isEqualTo("****");
        assertThat(SecretMasks.url("https://hooks.example.com/abc")).isEqualTo("https://hooks.example.com/****");
    }
}
