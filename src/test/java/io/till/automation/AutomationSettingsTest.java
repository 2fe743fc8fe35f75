package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The cap on each action's time, per kind, is bound from till.automation.* and always stays below the lease. */
class AutomationSettingsTest {

    private static AutomationSettings bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
            .bindOrCreate("till.automation", AutomationSettings.class);
    }

    @Test
    void anActionKindWithoutItsOwnCapGetsHalfTheLease() {
        var settings = bind(Map.of("till.automation.lease", "40s"));
        assertThat(settings.actionTimeout("send_slack")).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void eachActionKindMayHaveItsOwnCap() {
        var settings = bind(Map.of("till.automation.action-timeout", "25s",
            // A kind with a dot in its name is written in brackets, or its dot would split it.
            "till.automation.action-timeouts[crm.start_automation]", "40s",
            "till.automation.action-timeouts.send_slack", "10s"));
        assertThat(settings.actionTimeout("crm.start_automation")).isEqualTo(Duration.ofSeconds(40));
        assertThat(settings.actionTimeout("send_slack")).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.actionTimeout("send_email")).isEqualTo(Duration.ofSeconds(25));
    }

    @Test
    void aCapThatReachesTheLeaseIsRefusedAtStartup() {
        assertThatThrownBy(() -> bind(Map.of("till.automation.action-timeouts.send_email", "60s")))
            .hasStackTraceContaining("till.automation.action-timeouts.send_email is PT1M; it must be above zero and "
                + "below till.automation.lease (PT1M)");
    }
}
