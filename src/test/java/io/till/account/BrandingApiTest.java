package io.till.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TillIntegrationTest
class BrandingApiTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;

    Api.Response put(TestAccounts.TestAccount store, String body) {
        return api.send("PUT", "/api/v1/account/branding", store.apiKey(), body, List.of("Content-Type",
            "application/json"));
    }

    @Test
    void replacesTheBrandingOfTheCallersAccountOnly() {
        var store = accounts.create();
        var other = accounts.create();

        var saved = put(store, """
            {"sender_name": "Ada", "support_email": "help@shop.test", "company_name": "Ada's Shop",
             "logo_url": "https://cdn.shop.test/logo.png", "brand_color": "#FF6600",
             "icon_url": "https://cdn.shop.test/icon.png", "time_zone": "America/New_York"}""");
        var cleared = put(store, """
            {"company_name": "Ada's Shop"}""");

        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        assertThat(saved.json().get("brand_color").asString()).isEqualTo("#FF6600");
        assertThat(saved.json().get("icon_url").asString()).isEqualTo("https://cdn.shop.test/icon.png");
        assertThat(saved.json().get("time_zone").asString()).isEqualTo("America/New_York");
        assertThat(cleared.json().get("icon_url").isNull()).isTrue();
        assertThat(cleared.json().get("time_zone").isNull()).isTrue();
        assertThat(cleared.json().get("sender_name").isNull()).isTrue();
        assertThat(api.get("/api/v1/account/branding", store.apiKey()).json().get("company_name").asString())
            .isEqualTo("Ada's Shop");
        assertThat(api.get("/api/v1/account/branding", other.apiKey()).json().get("company_name").isNull()).isTrue();
    }

    @Test
    void namesEveryBadField() {
        var store = accounts.create();

        var response = put(store, """
            {"sender_name": "Ada\\nBcc: x@y.z", "support_email": "help", "company_name": "",
             "logo_url": "javascript:alert(1)", "brand_color": "orange", "icon_url": "data:image/png;base64,AA==",
             "time_zone": "+02:00"}""");

        assertThat(response.status()).isEqualTo(400);
        var fields = new ArrayList<String>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("sender_name", "support_email", "company_name", "logo_url",
            "brand_color", "icon_url", "time_zone");
        assertThat(api.get("/api/v1/account/branding", store.apiKey()).json().get("brand_color").isNull()).isTrue();
    }

    @Test
    void aTimeZoneIsNamedByItsRegionNotByAnAbbreviationOrAnOffset() {
        var store = accounts.create();

        var abbreviation = put(store, """
            {"time_zone": "EST"}""");
        var unknown = put(store, """
            {"time_zone": "Mars/Olympus_Mons"}""");
        var fixed = put(store, """
            {"time_zone": "Etc/GMT+5"}""");
        var utc = put(store, """
            {"time_zone": "Etc/UTC"}""");
        var named = put(store, """
            {"time_zone": "Asia/Kolkata"}""");

        assertThat(abbreviation.status()).isEqualTo(400);
        assertThat(abbreviation.text()).contains("such as America/New_York");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(fixed.status()).as("a fixed offset by another name").isEqualTo(400);
        assertThat(utc.status()).as("UTC by another name").isEqualTo(200);
        assertThat(named.status()).as(named.text()).isEqualTo(200);
        assertThat(named.json().get("time_zone").asString()).isEqualTo("Asia/Kolkata");
    }

    /** What Till's fetch of the image would refuse is refused when saved, not kept to never show (nor shown back). */
    @Test
    void aLogoUrlWithCredentialsOrAPortNoServerHasIsRefusedWhenSaved() {
        var store = accounts.create();

        var response = put(store,
            """
                {"logo_url": "https://user:s3cret@cdn.example.com/logo.png", "icon_url": "http://cdn.example.com:99999/i.png"}""");

        assertThat(response.status()).as(response.text()).isEqualTo(400);
        assertThat(response.text()).contains("must not carry a user name or password", "port from 1 to 65535")
            .doesNotContain("s3cret");
        assertThat(api.get("/api/v1/account/branding", store.apiKey()).json().get("logo_url").isNull()).isTrue();
    }

    @Test
    void aLogoOrIconAtALiteralPrivateAddressIsRefusedWhenSaved() {
        var store = accounts.create();

        var response = put(store, """
            {"logo_url": "http://169.254.169.254/latest/meta-data", "icon_url": "http://127.0.0.2/icon.png"}""");

        assertThat(response.status()).as(response.text()).isEqualTo(400);
        var codes = new ArrayList<String>();
        response.json().get("errors").forEach(e -> codes.add(e.get("field").asString() + ":" + e.get("code")
            .asString()));
        assertThat(codes).containsExactlyInAnyOrder("logo_url:destination_refused", "icon_url:destination_refused");
    }
}
