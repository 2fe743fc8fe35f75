package io.till.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Owners and staff: only an owner manages API keys, integrations and the staff. A staff member asking anyway gets the
 * friendly 403 page in the frame, and a direct POST changes nothing; an account always keeps an owner.
 */
@TillIntegrationTest
class StaffRolesTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    TestAccounts accounts;

    @Autowired
    Api api;

    @Autowired
    JdbcClient db;

    @Autowired
    PasswordEncoder passwords;

    @Test
    void aStaffMemberCannotCreateAnApiKeyAndIsToldWhoCan() {
        var account = accounts.create();
        var browser = signedIn(account.id(), "staff");

        var page = browser.get("/admin/developers/api-keys");
        var refused = browser.postForm("/admin/developers/api-keys",
            "name=Sneaky&_csrf=" + RawBrowser.csrf(page.body()));

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("Create API key")
            .contains("Only an owner can create or revoke API keys");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.header("Content-Type")).startsWith("text/html");
        assertThat(refused.body()).contains("Only an owner can create or revoke API keys")
            .contains("class=\"side\"")
            .doesNotContain("Exception");
        assertThat(keyNames(account.id())).containsExactly("Test key");
    }

    @Test
    void anOwnerCanCreateAnApiKey() {
        var account = accounts.create();
        var browser = signedIn(account.id(), "owner");

        var page = browser.get("/admin/developers/api-keys");
        var created = browser.postForm("/admin/developers/api-keys",
            "name=Zapier&_csrf=" + RawBrowser.csrf(page.body()) + "&form_key=" + RawBrowser.formKey(page.body()));
        var shown = browser.get("/admin/developers/api-keys");
        // Back to the form, and sent again.
        var again = browser.postForm("/admin/developers/api-keys",
            "name=Zapier&_csrf=" + RawBrowser.csrf(page.body()) + "&form_key=" + RawBrowser.formKey(page.body()));

        assertThat(page.body()).contains("Create API key");
        assertThat(created.status()).isEqualTo(302);
        assertThat(again.status()).isEqualTo(302);
        assertThat(keyNames(account.id())).as("the form sent twice made one key").containsExactlyInAnyOrder(
            "Test key", "Zapier");
        assertThat(shown.body()).contains("id=\"created-key\"");
        assertThat(browser.get("/admin/developers/api-keys").body()).contains("was created when this form was first "
            + "sent").doesNotContain("id=\"created-key\"");
    }

    @Test
    void aStaffMemberCannotRevokeAKeyNorReachIntegrationsNorInviteStaff() {
        var account = accounts.create();
        var browser = signedIn(account.id(), "staff");
        String csrf = RawBrowser.csrf(browser.get("/admin/settings/staff").body());

        var revoke = browser.postForm("/admin/developers/api-keys/" + account.apiKeyId() + "/revoke", "_csrf=" + csrf);
        var integrations = browser.get("/admin/settings/integrations");
        var integrationPost = browser.postForm("/admin/settings/integrations", "type=smtp&_csrf=" + csrf);
        var invite = browser.postForm("/admin/settings/staff/invites",
            "email=friend@example.com&role=owner&_csrf=" + csrf);

        assertThat(revoke.status()).isEqualTo(403);
        assertThat(integrations.status()).isEqualTo(403);
        assertThat(integrations.body()).contains("Only an owner can manage integrations");
        assertThat(integrationPost.status()).isEqualTo(403);
        assertThat(invite.status()).isEqualTo(403);
        assertThat(invite.body()).contains("Only an owner can invite staff, change roles or remove staff");
        assertThat(db.sql("SELECT count(*) FROM staff_invites WHERE account_id = :id")
            .param("id", account.id())
            .query(Long.class)
            .single()).isZero();
        assertThat(db.sql("SELECT count(*) FROM api_keys WHERE id = :id AND revoked_at IS NULL")
            .param("id", account.apiKeyId())
            .query(Long.class)
            .single()).isEqualTo(1);
    }

    /** An endpoint is sent every event, customers' emails included: what it is and where it goes is an owner's. */
    @Test
    void aStaffMemberCannotAddEditRotateOrDeleteAWebhookEndpointButCanTestAndDisableIt() {
        var account = accounts.create();
        var created = api.post("/api/v1/webhook_endpoints", account.apiKey(),
            "{\"url\": \"http://127.0.0.1:9/hooks\", \"event_types\": [\"payment.failed\"]}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String endpoint = created.json().get("id").asString();
        String secret = secretOf(endpoint);
        var browser = signedIn(account.id(), "staff");

        var list = browser.get("/admin/webhooks");
        var page = browser.get("/admin/webhooks/" + endpoint);
        String csrf = RawBrowser.csrf(page.body());
        var add = browser.postForm("/admin/webhooks", "url=https%3A%2F%2Fsteal.example%2Fall&_csrf=" + csrf);
        var edit = browser.postForm("/admin/webhooks/" + endpoint, "url=https%3A%2F%2Fsteal.example%2Fall&_csrf="
            + csrf);
        var rotate = browser.postForm("/admin/webhooks/" + endpoint + "/rotate", "_csrf=" + csrf);
        var delete = browser.postForm("/admin/webhooks/" + endpoint + "/delete", "_csrf=" + csrf);
        var test = browser.postForm("/admin/webhooks/" + endpoint + "/test", "_csrf=" + csrf);
        var disable = browser.postForm("/admin/webhooks/" + endpoint + "/status", "status=disabled&_csrf=" + csrf);

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("http://127.0.0.1:9/hooks").doesNotContain("Add endpoint")
            .contains("Only an owner can add, edit or delete webhook endpoints");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Send test event").doesNotContain("Rotate secret")
            .doesNotContain("Save endpoint").doesNotContain("/delete");
        for (var refused : List.of(add, edit, rotate, delete)) {
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body()).contains(
                "Only an owner can add, edit or delete webhook endpoints, or rotate their secrets");
        }
        assertThat(test.status()).isEqualTo(302);
        assertThat(disable.status()).isEqualTo(302);
        var after = api.get("/api/v1/webhook_endpoints/" + endpoint, account.apiKey()).json();
        assertThat(after.get("url").asString()).isEqualTo("http://127.0.0.1:9/hooks");
        assertThat(after.get("status").asString()).isEqualTo("disabled");
        assertThat(secretOf(endpoint)).isEqualTo(secret);
        assertThat(api.get("/api/v1/webhook_endpoints", account.apiKey()).json().get("data")).hasSize(1);

        // Sending to it again is an owner's: the page offers staff no Enable, and the form sent anyway is refused.
        var disabled = browser.get("/admin/webhooks/" + endpoint);
        assertThat(disabled.body()).doesNotContain(">Enable<").contains("Only an owner can edit, enable or delete");
        var enable = browser.postForm("/admin/webhooks/" + endpoint + "/status", "status=enabled&_csrf="
            + RawBrowser.csrf(disabled.body()));
        assertThat(enable.status()).isEqualTo(403);
        assertThat(enable.body()).contains("Only an owner can enable a webhook endpoint again");
        for (String path : List.of("/admin/webhooks/" + endpoint + "/%73tatus", "/admin/%77ebhooks/" + endpoint
            + "/status", "/admin/webhooks/" + endpoint + "/status/", "/admin/Webhooks/" + endpoint + "/status",
            "/admin/webhooks/" + endpoint + "/STATUS")) {
            var spelled = browser.postForm(path, "status=enabled&_csrf=" + RawBrowser.csrf(disabled.body()));
            assertThat(spelled.status()).as(path).isIn(400, 403, 404);
        }
        assertThat(api.get("/api/v1/webhook_endpoints/" + endpoint, account.apiKey()).json().get("status")
            .asString()).isEqualTo("disabled");
        var owner = signedIn(account.id(), "owner");
        var asOwner = owner.get("/admin/webhooks/" + endpoint);
        assertThat(asOwner.body()).contains(">Enable<");
        assertThat(owner.postForm("/admin/webhooks/" + endpoint + "/status", "status=enabled&_csrf="
            + RawBrowser.csrf(asOwner.body())).status()).isEqualTo(302);
        assertThat(api.get("/api/v1/webhook_endpoints/" + endpoint, account.apiKey()).json().get("status")
            .asString()).isEqualTo("enabled");
    }

    /** An owner's route spelled another way (escaped letters, a trailing slash) is no way around the rule. */
    @Test
    void anOwnersRouteSpelledAnotherWayIsNoWayInForAStaffMember() {
        var account = accounts.create();
        var created = api.post("/api/v1/webhook_endpoints", account.apiKey(),
            "{\"url\": \"http://127.0.0.1:9/hooks\", \"event_types\": [\"payment.failed\"]}");
        String endpoint = created.json().get("id").asString();
        String secret = secretOf(endpoint);
        var browser = signedIn(account.id(), "staff");
        String csrf = RawBrowser.csrf(browser.get("/admin/webhooks/" + endpoint).body());

        for (String path : List.of("/admin/%77ebhooks/" + endpoint + "/rotate", "/admin/webhooks/" + endpoint
            + "/%72otate", "/admin/webhooks/" + endpoint + "/rotate/", "/admin//webhooks/" + endpoint + "/rotate",
            "/admin/webhooks/" + endpoint + "/./rotate", "/admin/developers/%61pi-keys",
            "/admin/settings/%69ntegrations", "/admin/Webhooks/" + endpoint + "/rotate", "/admin/webhooks/" + endpoint
                + "/ROTATE",
            "/ADMIN/developers/api-keys", "/admin/Developers/api-keys")) {
            var sent = browser.postForm(path, "name=Sneaky&type=smtp&_csrf=" + csrf);

            assertThat(sent.status()).as(path).isIn(400, 403, 404);
        }
        assertThat(secretOf(endpoint)).isEqualTo(secret);
        assertThat(keyNames(account.id())).containsExactly("Test key");
    }

    @Test
    void anOwnerCanAddAWebhookEndpointInTheDashboard() {
        var account = accounts.create();
        var browser = signedIn(account.id(), "owner");
        var list = browser.get("/admin/webhooks");

        var formKey = java.util.regex.Pattern.compile("name=\"form_key\" value=\"([^\"]+)\"").matcher(list.body());
        assertThat(formKey.find()).isTrue();
        var add = browser.postForm("/admin/webhooks", "url=http%3A%2F%2F127.0.0.1%3A9%2Fhooks&eventTypes=*&form_key="
            + formKey.group(1) + "&_csrf=" + RawBrowser.csrf(list.body()));

        assertThat(list.body()).contains("Add endpoint").doesNotContain("Only an owner");
        assertThat(add.status()).as(add.body()).isEqualTo(302);
        assertThat(api.get("/api/v1/webhook_endpoints", account.apiKey()).json().get("data")).hasSize(1);
    }

    private String secretOf(String endpoint) {
        return db.sql("SELECT secret FROM webhook_endpoints WHERE id = :id")
            .param("id", endpoint)
            .query(String.class)
            .single();
    }

    @Test
    void aStaffMemberSeesTheStaffButNoControls() {
        var account = accounts.create();
        var owner = StaffBrowser.of(db, passwords, account.id(), "owner");
        var browser = signedIn(account.id(), "staff");

        var page = browser.get("/admin/settings/staff");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains(owner.email())
            .doesNotContain("Send invitation")
            .doesNotContain("/remove")
            .contains("Only an owner can invite staff");
    }

    @Test
    void theLastOwnerCannotBeRemovedNorDemoted() {
        var account = accounts.create();
        var browser = signedIn(account.id(), "owner");
        String ownerId = idOf(account.id(), "owner");
        String csrf = RawBrowser.csrf(browser.get("/admin/settings/staff").body());

        var remove = browser.postForm("/admin/settings/staff/" + ownerId + "/remove", "_csrf=" + csrf);
        var afterRemove = browser.get("/admin/settings/staff");
        var demote = browser.postForm("/admin/settings/staff/" + ownerId + "/role", "role=staff&_csrf=" + csrf);
        var afterDemote = browser.get("/admin/settings/staff");

        assertThat(remove.status()).isEqualTo(302);
        assertThat(afterRemove.body()).contains("is the account&#39;s only owner and cannot be removed");
        assertThat(demote.status()).isEqualTo(302);
        assertThat(afterDemote.body()).contains("is the account&#39;s only owner: make someone else an owner first");
        assertThat(db.sql("SELECT role FROM staff_users WHERE id = :id").param("id", ownerId).query(String.class)
            .single()).isEqualTo("owner");
    }

    @Test
    void anOwnerCanPromoteAColleagueAndRemoveAnOwnerWhoIsNotTheLast() {
        var account = accounts.create();
        var browser = signedIn(account.id(), "owner");
        var colleague = StaffBrowser.of(db, passwords, account.id(), "staff");
        String colleagueId = idOfEmail(colleague.email());
        String csrf = RawBrowser.csrf(browser.get("/admin/settings/staff").body());

        browser.postForm("/admin/settings/staff/" + colleagueId + "/role", "role=owner&_csrf=" + csrf);
        var afterPromotion = browser.get("/admin/settings/staff");
        String promoted = db.sql("SELECT role FROM staff_users WHERE id = :id").param("id", colleagueId)
            .query(String.class).single();
        browser.postForm("/admin/settings/staff/" + colleagueId + "/remove", "_csrf=" + csrf);

        assertThat(promoted).isEqualTo("owner");
        // Their sessions end at once (a demoted owner keeps no owner's session): the page said it applied from their
        // next sign-in, which let an owner think a demoted colleague kept their rights until then.
        assertThat(afterPromotion.body()).contains("Role changed to owner. Their sessions ended at once; they sign in "
            + "again with it.");
        assertThat(db.sql("SELECT count(*) FROM staff_users WHERE id = :id").param("id", colleagueId)
            .query(Long.class).single()).isZero();
        assertThat(browser.get("/admin/settings/staff").body()).contains(colleague.email() + " was removed");
    }

    /**
     * Someone of this account's staff is refused by name; someone who signs in to another account is answered as
     * any email is (a probe found the answer told an owner who signs in elsewhere): their invitation is sent, and
     * says at its link that the email signs in to Till already.
     */
    @Test
    void invitingSomeoneOfThisStaffOrANonEmailIsRefusedWithTheReasonAndSomeoneOfAnotherAccountIsNotToldApart() {
        var account = accounts.create();
        var browser = signedIn(account.id(), "owner");
        var colleague = StaffBrowser.of(db, passwords, account.id(), "staff");
        var elsewhere = StaffBrowser.of(db, passwords, accounts.create().id(), "staff");
        String nobody = "nobody-" + java.util.UUID.randomUUID() + "@example.com";
        String csrf = RawBrowser.csrf(browser.get("/admin/settings/staff").body());

        browser.postForm("/admin/settings/staff/invites", "email=" + colleague.email() + "&role=staff&_csrf=" + csrf);
        var ours = browser.get("/admin/settings/staff");
        browser.postForm("/admin/settings/staff/invites", "email=" + elsewhere.email() + "&role=staff&_csrf=" + csrf);
        var theirs = browser.get("/admin/settings/staff");
        browser.postForm("/admin/settings/staff/invites", "email=" + nobody + "&role=staff&_csrf=" + csrf);
        var unknown = browser.get("/admin/settings/staff");
        browser.postForm("/admin/settings/staff/invites", "email=not-an-email&role=staff&_csrf=" + csrf);
        var malformed = browser.get("/admin/settings/staff");
        browser.postForm("/admin/settings/staff/invites", "email=not-an-email&role=owner&_csrf=" + csrf);
        var malformedOwner = browser.get("/admin/settings/staff");
        browser.postForm("/admin/settings/staff/invites", "email=ok@example.com&role=admin&_csrf=" + csrf);
        var badRole = browser.get("/admin/settings/staff");

        assertThat(ours.body()).contains(colleague.email() + " is already on your staff.");
        assertThat(theirs.body()).contains("Invitation sent to " + elsewhere.email() + ".")
            .doesNotContain("already signs in");
        assertThat(unknown.body()).contains("Invitation sent to " + nobody + ".");
        assertThat(malformed.body()).contains("Enter an email address, such as ada@example.com.")
            .contains("value=\"not-an-email\"");
        assertThat(inviteRole(malformed.body())).isEqualTo("staff");
        // A reviewer's: the refused invitation came back as staff, and was sent as staff once its email was fixed.
        assertThat(malformedOwner.body()).contains("value=\"not-an-email\"");
        assertThat(inviteRole(malformedOwner.body())).isEqualTo("owner");
        assertThat(badRole.body()).contains("Choose a role: owner or staff.");
        assertThat(db.sql("SELECT email FROM staff_invites WHERE account_id = :id")
            .param("id", account.id())
            .query(String.class)
            .list()).containsExactlyInAnyOrder(elsewhere.email(), nobody);
    }

    @Test
    void anotherAccountsStaffMemberIsNotFound() {
        var mine = accounts.create();
        var theirs = accounts.create();
        var browser = signedIn(mine.id(), "owner");
        var stranger = StaffBrowser.of(db, passwords, theirs.id(), "owner");
        String csrf = RawBrowser.csrf(browser.get("/admin/settings/staff").body());

        var remove = browser.postForm("/admin/settings/staff/" + idOfEmail(stranger.email()) + "/remove",
            "_csrf=" + csrf);

        assertThat(remove.status()).isEqualTo(404);
        assertThat(remove.body()).contains("We couldn");
        assertThat(db.sql("SELECT count(*) FROM staff_users WHERE lower(email) = lower(:email)")
            .param("email", stranger.email()).query(Long.class).single()).isEqualTo(1);
    }

    /**
     * Revoking an invitation of another account (or none) was answered "it was accepted or revoked already", as if it
     * were one of this account's: it is the frame's 404 page, as another account's staff member is, and stays usable.
     */
    @Test
    void anotherAccountsInvitationIsNotFound(@Autowired StaffInvites invites) {
        var mine = accounts.create();
        var theirs = accounts.create();
        var browser = signedIn(mine.id(), "owner");
        var stranger = StaffBrowser.of(db, passwords, theirs.id(), "owner");
        var issued = invites.issue(theirs.id(), "theirs-" + java.util.UUID.randomUUID() + "@example.com", "staff",
            idOfEmail(stranger.email()));
        String csrf = RawBrowser.csrf(browser.get("/admin/settings/staff").body());

        var revoke = browser.postForm("/admin/settings/staff/invites/" + issued.invite().id() + "/revoke",
            "_csrf=" + csrf);
        var unknown = browser.postForm("/admin/settings/staff/invites/sti_nonesuch/revoke", "_csrf=" + csrf);

        assertThat(revoke.status()).isEqualTo(404);
        assertThat(revoke.body()).contains("We couldn");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(invites.usable(issued.token())).isPresent();
    }

    @Test
    void aStaffMemberCannotReadAnInvitationInTheDevMailboxNorClearIt() {
        var account = accounts.create();
        var owner = signedIn(account.id(), "owner");
        String csrf = RawBrowser.csrf(owner.get("/admin/settings/staff").body());
        var invited = owner.postForm("/admin/settings/staff/invites",
            "email=cofounder@example.com&role=owner&_csrf=" + csrf);
        assertThat(invited.status()).isEqualTo(302);
        String invitation = db.sql("""
            SELECT id FROM dev_messages WHERE account_id = :id AND to_address LIKE '%cofounder@example.com%'
            """).param("id", account.id()).query(String.class).single();

        var staff = signedIn(account.id(), "staff");
        var list = staff.get("/admin/developers/mailbox");
        var message = staff.get("/admin/developers/mailbox/" + invitation);
        var html = staff.get("/admin/developers/mailbox/" + invitation + "/html");
        staff.postForm("/admin/developers/mailbox/clear", "_csrf=" + RawBrowser.csrf(list.body()));

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).doesNotContain("cofounder@example.com");
        assertThat(message.status()).isEqualTo(404);
        assertThat(html.status()).isEqualTo(404);
        assertThat(owner.get("/admin/developers/mailbox/" + invitation).body()).contains("/admin/invites/");
    }

    @Test
    void anInvitationIsNotInTheCopyOfTheDataOfACustomerGivenTheInviteesEmail() {
        var account = accounts.create();
        var owner = signedIn(account.id(), "owner");
        var invited = owner.postForm("/admin/settings/staff/invites",
            "email=partner@example.com&role=owner&_csrf=" + RawBrowser.csrf(owner.get("/admin/settings/staff").body()));
        assertThat(invited.status()).isEqualTo(302);
        var customer = api.post("/api/v1/customers", account.apiKey(), """
            {"name": "Pat Partner", "email": "partner@example.com"}""");
        assertThat(customer.status()).as(customer.text()).isEqualTo(201);
        String id = customer.json().get("id").asString();

        var copy = signedIn(account.id(), "staff").get("/admin/customers/" + id + "/personal-data.json");
        var apiCopy = api.get("/api/v1/customers/" + id + "/personal_data", account.apiKey());

        assertThat(copy.status()).isEqualTo(200);
        assertThat(copy.body()).contains("Pat Partner").doesNotContain("/admin/invites/").doesNotContain("Join ");
        assertThat(apiCopy.status()).as(apiCopy.text()).isEqualTo(200);
        assertThat(apiCopy.text()).doesNotContain("/admin/invites/");
    }

    private RawBrowser signedIn(String accountId, String role) {
        var member = StaffBrowser.of(db, passwords, accountId, role);
        var browser = RawBrowser.fromAnotherAddress(port);
        var answer = browser.signIn(member.email(), member.password());
        assertThat(answer.header("Location")).isEqualTo("/admin");
        return browser;
    }

    private java.util.List<String> keyNames(String accountId) {
        return db.sql("SELECT name FROM api_keys WHERE account_id = :id").param("id", accountId)
            .query(String.class).list();
    }

    private String idOf(String accountId, String role) {
        return db.sql("SELECT id FROM staff_users WHERE account_id = :id AND role = :role")
            .param("id", accountId)
            .param("role", role)
            .query(String.class)
            .single();
    }

    private String idOfEmail(String email) {
        return db.sql("SELECT id FROM staff_users WHERE lower(email) = lower(:email)").param("email", email)
            .query(String.class).single();
    }

    /** The role chosen in the page's invitation form. */
    private static String inviteRole(String page) {
        String select = page.substring(page.indexOf("id=\"invite-role\""));
        select = select.substring(0, select.indexOf("</select>"));
        var chosen = java.util.regex.Pattern.compile("<option value=\"([a-z]+)\" selected").matcher(select);
        return chosen.find() ? chosen.group(1) : null;
    }
}
