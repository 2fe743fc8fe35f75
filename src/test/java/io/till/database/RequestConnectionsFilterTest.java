package io.till.database;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestConnectionsFilterTest {

    @Test
    void healthMetricsAndStaticFilesAreNeverQueuedWhileEverythingThatMayReadTheDatabaseIs() {
        assertThat(RequestConnectionsFilter.gated("/actuator/health/readiness")).isFalse();
        assertThat(RequestConnectionsFilter.gated("/portal/assets/portal.css")).isFalse();
        assertThat(RequestConnectionsFilter.gated("/admin/assets/admin.css")).isFalse();
        assertThat(RequestConnectionsFilter.gated("/api/v1/account")).isTrue();
        assertThat(RequestConnectionsFilter.gated("/portal/acct_1/brand.css")).as("reads the account's branding")
            .isTrue();
        assertThat(RequestConnectionsFilter.gated("/portal/acct_1/")).isTrue();
        assertThat(RequestConnectionsFilter.gated("/admin")).isTrue();
    }
}
