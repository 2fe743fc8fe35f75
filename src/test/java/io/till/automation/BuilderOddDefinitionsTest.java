package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The builder draws whatever definition its form carries, however odd (the JSON panel takes any text, and a form can be
 * sent by hand): a step of no type, a null step, a trigger that is a list. Each answer is the builder with the problems
 * named, or a refusal, never a server error (a probe found 500s, some cut off mid-page).
 */
@TillIntegrationTest
class BuilderOddDefinitionsTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    @Test
    void anOddDefinitionIsDrawnWithItsProblemsAndNeverFailsTheServer() {
        var store = accounts.create();
        String id = api.post("/api/v1/automations", store.apiKey(), "{\"template\": \"payment_dunning\"}").json()
            .get("id").asString();
        Page page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + id + "/builder");
        String csrf = page.locator("input[name=_csrf]").first().inputValue();
        String url = api.uri("/admin/automations/" + id + "/builder").toString();

        List<String> definitions = List.of("{\"steps\": [null]}", "{\"steps\": [{\"type\": \"if\"}]}",
            "{\"steps\": [{}]}", "{\"trigger\": []}", "{\"trigger\": null, \"steps\": null}",
            "{\"steps\": [{\"type\": \"branch\", \"if\": 3, \"then\": {}, \"else\": [null]}]}",
            "{\"steps\": [{\"type\": \"loop\", \"steps\": [7]}]}",
            "{\"steps\": [{\"type\": \"action\", \"action\": null, \"params\": []}]}",
            "{\"conditions\": [1, 2], \"cancel_on\": {}}", "{\"steps\": [{\"type\": \"delay\", \"duration\": 5}]}");
        List<String> ops = List.of("", "json", "save", "remove:conditions", "condition-add:steps[0].if",
            "condition-add:conditions", "step-move:steps[0]:down", "remove:steps[0]", "step-add:steps:delay");
        var failed = new ArrayList<String>();
        for (String definition : definitions) {
            for (String op : ops) {
                try {
                    var answer = page.request().post(url, RequestOptions.create().setForm(FormData.create()
                        .set("_csrf", csrf)
                        .set("definition", definition)
                        .set("op", op)).setHeader("HX-Request", "true").setMaxRedirects(0));
                    if (answer.status() >= 500) {
                        failed.add(answer.status() + " for op '" + op + "' on " + definition);
                    }
                } catch (com.microsoft.playwright.PlaywrightException cutOff) {
                    // The error struck after the page had begun: the answer ended mid-page.
                    failed.add("cut off for op '" + op + "' on " + definition);
                }
            }
        }
        assertThat(failed).isEmpty();
    }
}
