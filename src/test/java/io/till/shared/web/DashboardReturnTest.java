package io.till.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DashboardReturnTest {

    @Test
    void goesBackToTheDashboardPageWithItsQuery() {
        assertThat(DashboardReturn.to("http://localhost:8080/admin/customers/cus_1?plans=all"))
            .isEqualTo("/admin/customers/cus_1?plans=all");
    }

    @Test
    void aRefererOffTheDashboardOrMissingOrMalformedGoesHome() {
        assertThat(DashboardReturn.to("https://evil.example/phish")).isEqualTo("/admin");
        assertThat(DashboardReturn.to("https://evil.example//admin/x")).isEqualTo("/admin");
        assertThat(DashboardReturn.to("http://localhost/administrator")).isEqualTo("/admin");
        assertThat(DashboardReturn.to(null)).isEqualTo("/admin");
        assertThat(DashboardReturn.to("http://a b")).isEqualTo("/admin");
    }
}
