package io.till.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.till.action.ActionCall;
import io.till.action.ActionResult;
import io.till.automation.AutomationAgenda;
import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** send_email end to end: through the automation API into the dev mailbox, and into a real SMTP server (GreenMail). */
@TillIntegrationTest
class SendEmailTest {

    static final String PASSWORD = "smtp-pass-7a1c9e";
    static final String WELCOME = """
        {"name": "Welcome", "trigger": {"type": "manual"},
         "steps": [{"id": "mail", "type": "action", "action": "send_email",
                    "params": {"to": "{{customer.email}}", "subject": "Welcome, {{customer.name}}",
                               "text": "We will write to {{customer.email}}."}}]}""";

    @RegisterExtension
    static GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("shop@shop.test", "till", PASSWORD));

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    SendEmailAction sendEmail;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient db;

    final JsonMapper json = JsonMapper.builder().build();

    String customer(TestAccounts.TestAccount store, String name, String email) {
        var created = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "%s", "email": "%s"}""".formatted(name, email));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    /** Creates and activates the automation, runs it for the customer, and answers the finished execution. */
    JsonNode run(TestAccounts.TestAccount store, String definition, String customerId) {
        var created = api.post("/api/v1/automations", store.apiKey(), definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null).status()).isEqualTo(200);
        var started = api.post("/api/v1/automations/" + id + "/run", store.apiKey(), """
            {"customer_id": "%s"}""".formatted(customerId));
        assertThat(started.status()).as(started.text()).isEqualTo(201);
        agenda.runDue();
        return api.get("/api/v1/executions/" + started.json().get("id").asString(), store.apiKey()).json();
    }

    JsonNode mailbox(TestAccounts.TestAccount store) {
        var listed = api.get("/api/v1/dev/mailbox", store.apiKey());
        assertThat(listed.status()).as(listed.text()).isEqualTo(200);
        return listed.json().get("data");
    }

    void connectSmtp(TestAccounts.TestAccount store, int port, String password) {
        var saved = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "smtp", "config": {"host": "127.0.0.1", "port": %d, "username": "till", "password": "%s",
             "starttls": false, "from_email": "shop@shop.test"}}""".formatted(port, password));
        assertThat(saved.status()).as(saved.text()).isIn(200, 201);
    }

    void brand(TestAccounts.TestAccount store) {
        var branded = api.send("PUT", "/api/v1/account/branding", store.apiKey(), """
            {"sender_name": "Ada's Shop Team", "support_email": "help@shop.test", "company_name": "Ada's Shop",
             "logo_url": "https://cdn.shop.test/logo.png", "brand_color": "#ff6600"}""", java.util.List.of(
            "Content-Type", "application/json"));
        assertThat(branded.status()).as(branded.text()).isEqualTo(200);
    }

    ActionCall call(TestAccounts.TestAccount store, String key, String params) {
        return new ActionCall(store.id(), "exe_test", "mail", key, 1, null, (ObjectNode) json.readTree(params),
            clock.instant());
    }

    @Test
    void runsTheContractExampleIntoTheDevMailbox() {
        var store = accounts.create();
        String ada = customer(store, "Ada Lovelace", "ada@example.com");

        JsonNode execution = run(store, WELCOME, ada);

        assertThat(execution.get("status").asString()).as(execution.toString()).isEqualTo("succeeded");
        JsonNode messages = mailbox(store);
        assertThat(messages).hasSize(1);
        JsonNode message = messages.get(0);
        assertThat(message.get("kind").asString()).isEqualTo("email");
        assertThat(message.get("subject").asString()).isEqualTo("Welcome, Ada Lovelace");
        assertThat(message.get("to").asString()).isEqualTo("ada@example.com");
        assertThat(message.get("text").asString()).contains("We will write to ada@example.com.");
        assertThat(message.get("html").asString()).contains("We will write to ada@example.com.");
        assertThat(message.get("headers").get("X-Till-Idempotency-Key").asString()).isEqualTo(execution.get("id")
            .asString() + ":mail");
        JsonNode output = execution.get("steps").get(0).get("output");
        assertThat(output.get("via").asString()).isEqualTo("dev_mailbox");
        assertThat(output.get("to").asString()).isEqualTo("ada@example.com");
        assertThat(output.get("message_id").asString()).isEqualTo(message.get("headers").get("Message-ID")
            .asString());
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    /**
     * A reviewer's: an email given only as HTML had its plain-text part made by dropping the tags, links and all: a
     * reader of that part could not reach the card page. A link keeps its address beside its words.
     */
    @Test
    void theTextPartOfAnHtmlOnlyEmailKeepsItsLinksAddresses() {
        var store = accounts.create();
        brand(store);
        String ada = customer(store, "Ada Lovelace", "ada@example.com");

        JsonNode execution = run(store,
            """
                {"name": "Card", "trigger": {"type": "manual"},
                 "steps": [{"id": "mail", "type": "action", "action": "send_email",
                            "params": {"to": "{{customer.email}}", "subject": "Your payment failed",
                                       "html": "<p>Your payment failed. <a href=\\"https://shop.example/help?a=1&amp;b=2\\">Get help</a>, or see <a href=\\"https://shop.example/faq\\">https://shop.example/faq</a>.</p>"}}]}""",
            ada);

        assertThat(execution.get("status").asString()).as(execution.toString()).isEqualTo("succeeded");
        String text = mailbox(store).get(0).get("text").asString();
        assertThat(text).contains("Your payment failed. Get help (https://shop.example/help?a=1&b=2), or see "
            + "https://shop.example/faq.");
    }

    /** {@code {{portal.url}}} in a text body: in the HTML part, a button to the store's portal sign-in page. */
    @Test
    void thePortalUrlIsAnOpenYourAccountButtonToTheStoresPortal() {
        var store = accounts.create();
        brand(store);
        String ada = customer(store, "Ada Lovelace", "ada@example.com");

        JsonNode execution = run(store, """
            {"name": "Account", "trigger": {"type": "manual"},
             "steps": [{"id": "mail", "type": "action", "action": "send_email",
                        "params": {"to": "{{customer.email}}", "subject": "Your account",
                                   "text": "See your membership here: {{portal.url}}. Thanks!"}}]}""", ada);

        assertThat(execution.get("status").asString()).as(execution.toString()).isEqualTo("succeeded");
        JsonNode message = mailbox(store).get(0);
        String portal = api.uri("/portal/" + store.id()).toString();
        assertThat(message.get("text").asString()).contains("See your membership here: " + portal + ". Thanks!");
        var button = java.util.regex.Pattern.compile("<a href=\"([^\"]+)\" style=\"([^\"]+)\">Open your account</a>")
            .matcher(message.get("html").asString());
        assertThat(button.find()).as(message.get("html").asString()).isTrue();
        assertThat(button.group(1)).isEqualTo(portal);
        assertThat(button.group(2)).contains("display:inline-block", "background:#ff6600");
        var signIn = api.get("/portal/" + store.id(), null);
        assertThat(signIn.status()).isEqualTo(200);
        assertThat(signIn.text()).contains("Email me a sign-in link");
    }

    @Test
    void sendsABrandedMultipartEmailThroughTheAccountsSmtpServerOnce() throws Exception {
        var store = accounts.create();
        brand(store);
        connectSmtp(store, mail.getSmtp().getPort(), PASSWORD);
        String ada = customer(store, "Ada Lovelace", "ada@example.com");

        JsonNode execution = run(store, WELCOME, ada);

        assertThat(execution.get("status").asString()).as(execution.toString()).isEqualTo("succeeded");
        MimeMessage[] received = mail.getReceivedMessages();
        assertThat(received).hasSize(1);
        MimeMessage email = received[0];
        assertThat(email.getSubject()).isEqualTo("Welcome, Ada Lovelace");
        var from = (InternetAddress) email.getFrom()[0];
        assertThat(from.getPersonal()).isEqualTo("Ada's Shop Team");
        assertThat(from.getAddress()).isEqualTo("shop@shop.test");
        assertThat(((InternetAddress) email.getReplyTo()[0]).getAddress()).isEqualTo("help@shop.test");
        String key = execution.get("id").asString() + ":mail";
        assertThat(email.getHeader("X-Till-Idempotency-Key", null)).isEqualTo(key);
        JsonNode output = execution.get("steps").get(0).get("output");
        assertThat(output.get("via").asString()).isEqualTo("smtp");
        assertThat(email.getMessageID()).isEqualTo(output.get("message_id").asString());
        assertThat(email.getContentType()).startsWith("multipart/alternative");
        var parts = (MimeMultipart) email.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat((String) parts.getBodyPart(0).getContent()).contains("We will write to ada@example.com.")
            .contains("help@shop.test");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat((String) parts.getBodyPart(1).getContent()).contains("We will write to ada@example.com.")
            .contains("#ff6600")
            .contains("https://cdn.shop.test/logo.png")
            .contains("Ada&#39;s Shop")
            .contains("mailto:help@shop.test");
        assertThat(mailbox(store)).isEmpty();

        var again = sendEmail.perform(new ActionCall(store.id(), execution.get("id").asString(), "mail", key, 2, ada,
            (ObjectNode) json.readTree("""
                {"to": "ada@example.com", "subject": "Welcome, Ada Lovelace", "text": "We will write to you."}"""),
            clock.instant()));

        assertThat(again).isEqualTo(new ActionResult.Done(output));
        assertThat(mail.getReceivedMessages()).hasSize(1);
    }

    @Test
    void failsForGoodOnBadCredentialsAndRetryablyWhenTheServerIsAway() throws IOException {
        var store = accounts.create();
        connectSmtp(store, mail.getSmtp().getPort(), "wrong-password-1");
        String params = """
            {"to": "ada@example.com", "subject": "Hi", "text": "Hello"}""";

        var refused = sendEmail.perform(call(store, "k1", params));

        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        connectSmtp(store, closedPort, PASSWORD);
        var away = sendEmail.perform(call(store, "k2", params));

        assertThat(refused).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo("smtp_auth_failed");
            assertThat(failed.retryable()).isFalse();
        });
        assertThat(away).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo("smtp_unavailable");
            assertThat(failed.retryable()).isTrue();
        });
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    /**
     * A server that holds its connections (it answers slowly) holds at most as many sends of this node as any one
     * host may: the next waits its turn unsent, without spending an attempt, and is sent once, in no doubt, later.
     */
    @Test
    void anSmtpServerThatHoldsItsSendsTakesNoMoreThanItsShareAndTheNextWaitsUnsent() throws Exception {
        var store = accounts.create();
        var other = accounts.create();
        connectSmtp(other, mail.getSmtp().getPort(), PASSWORD);
        String params = """
            {"to": "ada@example.com", "subject": "Hi", "text": "Hello"}""";
        int share = io.till.egress.EgressClient.MAX_CALLS_PER_HOST;
        try (var slow = new HoldingSmtp(mail.getSmtp().getPort());
            var calls = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            connectSmtp(store, slow.port(), PASSWORD);
            var held = new java.util.ArrayList<java.util.concurrent.Future<ActionResult>>();
            for (int i = 0; i < share; i++) {
                String key = "held-" + i;
                held.add(calls.submit(() -> sendEmail.perform(call(store, key, params))));
            }
            io.till.testing.Await.until("every send this node makes to the server at once is open",
                () -> slow.connections() == share);

            var waiting = sendEmail.perform(call(store, "one-more", params));
            var elsewhere = sendEmail.perform(call(other, "elsewhere", params));

            assertThat(waiting).isInstanceOfSatisfying(ActionResult.Deferred.class, deferred -> {
                assertThat(deferred.code()).isEqualTo("host_busy");
                assertThat(deferred.after()).isEqualTo(ActionResult.Deferred.HOST_BUSY);
            });
            assertThat(slow.connections()).as("the waiting send opened no connection").isEqualTo(share);
            assertThat(elsewhere).as("another server is not held back").isInstanceOf(ActionResult.Done.class);
            slow.release();
            for (var send : held) {
                assertThat(send.get()).isInstanceOf(ActionResult.Done.class);
            }
            assertThat(sendEmail.perform(call(store, "one-more", params))).isInstanceOfSatisfying(
                ActionResult.Done.class, done -> assertThat(done.output().has("may_have_been_sent_twice")).isFalse());
            assertThat(mail.getReceivedMessages()).hasSize(share + 2);
        }
    }

    /** STARTTLS required and a server without it: nothing crosses in clear, and retrying cannot change that. */
    @Test
    void aServerWithoutStartTlsFailsForGoodWhenTheSettingsRequireIt() {
        var store = accounts.create();
        var saved = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "smtp", "config": {"host": "127.0.0.1", "port": %d, "username": "till", "password": "%s",
             "starttls": true, "from_email": "shop@shop.test"}}""".formatted(mail.getSmtp().getPort(), PASSWORD));
        assertThat(saved.status()).as(saved.text()).isIn(200, 201);

        var result = sendEmail.perform(call(store, "k1", """
            {"to": "ada@example.com", "subject": "Hi", "text": "Hello"}"""));

        assertThat(result).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo("smtp_no_starttls");
            assertThat(failed.retryable()).isFalse();
        });
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    @Test
    void refusesABadAddressOrAnEmptyBodyForGood() {
        var store = accounts.create();

        var badAddress = sendEmail.perform(call(store, "k1", """
            {"to": "ada at example.com", "subject": "Hi", "text": "Hello"}"""));
        var twoAddresses = sendEmail.perform(call(store, "k2", """
            {"to": "ada@example.com, bob@example.com", "subject": "Hi", "text": "Hello"}"""));
        var noBody = sendEmail.perform(call(store, "k3", """
            {"to": "ada@example.com", "subject": "Hi"}"""));

        assertThat(badAddress).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> assertThat(failed.code())
            .isEqualTo("invalid_address"));
        assertThat(twoAddresses).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> assertThat(failed
            .retryable()).isFalse());
        assertThat(noBody).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> assertThat(failed.code())
            .isEqualTo("invalid_params"));
        assertThat(mailbox(store)).isEmpty();
    }

    @Test
    void derivesTheTextPartFromAnHtmlOnlyBody() {
        var store = accounts.create();

        var sent = sendEmail.perform(call(store, "k1", """
            {"to": "ada@example.com", "subject": "Hi", "html": "<p>Hello <b>Ada</b></p><p>Bye &amp; thanks</p>"}"""));

        assertThat(sent).isInstanceOf(ActionResult.Done.class);
        JsonNode message = mailbox(store).get(0);
        assertThat(message.get("text").asString()).startsWith("Hello Ada\nBye & thanks");
        assertThat(message.get("html").asString()).contains("<p>Hello <b>Ada</b></p>");
    }

    @Test
    void previewsWithoutSending() {
        var store = accounts.create();

        var preview = sendEmail.preview(call(store, "k1", """
            {"to": "ada@example.com", "subject": "Hi", "text": "Hello"}"""));

        assertThat(preview).isInstanceOfSatisfying(ActionResult.Done.class, done -> {
            assertThat(done.output().get("dry_run").asBoolean()).isTrue();
            assertThat(done.output().get("via").asString()).isEqualTo("dev_mailbox");
            assertThat(done.output().get("subject").asString()).isEqualTo("Hi");
        });
        assertThat(mailbox(store)).isEmpty();
    }

    @Test
    void listsTheDevMailboxNewestFirstByPageAndClearsIt() {
        var store = accounts.create();
        var other = accounts.create();
        for (String key : new String[]{"a", "b", "c"}) {
            sendEmail.perform(call(store, key, """
                {"to": "ada@example.com", "subject": "Mail %s", "text": "Hello"}""".formatted(key)));
        }

        var first = api.get("/api/v1/dev/mailbox?limit=2", store.apiKey()).json();
        var second = api.get("/api/v1/dev/mailbox?limit=2&cursor=" + first.get("next_cursor").asString(), store
            .apiKey()).json();

        assertThat(first.get("data")).extracting(m -> m.get("subject").asString()).containsExactly("Mail c",
            "Mail b");
        assertThat(first.get("has_more").asBoolean()).isTrue();
        assertThat(second.get("data")).extracting(m -> m.get("subject").asString()).containsExactly("Mail a");
        assertThat(mailbox(other)).isEmpty();
        var cleared = api.delete("/api/v1/dev/mailbox", store.apiKey());
        assertThat(cleared.json().get("deleted").asInt()).isEqualTo(3);
        assertThat(mailbox(store)).isEmpty();
    }

    @Test
    void anSmtpHostThatBecameReservedFailsForGoodAndNothingConnects() throws IOException {
        var store = accounts.create();
        try (var listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(0));
            listener.configureBlocking(false);
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            // Written past the save-time check, as a name that resolved elsewhere then would be.
            db.sql("""
                INSERT INTO integrations (account_id, type, config, created_at, updated_at)
                VALUES (:id, 'smtp', CAST(:config AS jsonb), now(), now())
                """)
                .param("id", store.id())
                .param("config", """
                    {"host": "127.0.0.2", "port": %d, "from_email": "shop@shop.test"}""".formatted(port))
                .update();

            var result = sendEmail.perform(call(store, "k1", """
                {"to": "ada@example.com", "subject": "Hi", "text": "Hello"}"""));

            assertThat(result).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
                assertThat(failed.code()).isEqualTo("destination_refused");
                assertThat(failed.retryable()).isFalse();
            });
            assertThat(listener.accept()).as("a connection reached the listener").isNull();
        }
    }

    /**
     * A minimal SMTP server on a loopback port: for each connection in turn, it takes the message and then answers the
     * end of its data with {@code endings[i]}, or closes the connection without a word when that is null.
     */
    private static final class EndingsServer implements AutoCloseable {

        final ServerSocket socket = new ServerSocket(0);
        final java.util.concurrent.atomic.AtomicInteger messages = new java.util.concurrent.atomic.AtomicInteger();
        final Thread thread;
        private volatile boolean resetOnQuit;

        EndingsServer(String... endings) throws IOException {
            thread = Thread.ofVirtual().start(() -> {
                for (String ending : endings) {
                    try (var client = socket.accept()) {
                        var in = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(),
                            java.nio.charset.StandardCharsets.US_ASCII));
                        var out = new java.io.PrintWriter(client.getOutputStream(), true,
                            java.nio.charset.StandardCharsets.US_ASCII);
                        out.print("220 fake ESMTP\r\n");
                        out.flush();
                        for (String line = in.readLine(); line != null; line = in.readLine()) {
                            String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
                            if (verb.equals("EHLO") || verb.equals("HELO")) {
                                out.print("250 fake\r\n");
                            } else if (verb.equals("DATA")) {
                                out.print("354 go on\r\n");
                                out.flush();
                                for (String data = in.readLine(); data != null && !data.equals("."); data = in
                                    .readLine()) {
                                    // the message itself
                                }
                                messages.incrementAndGet();
                                if (ending == null) {
                                    break;
                                }
                                out.print(ending + "\r\n");
                            } else if (verb.equals("QUIT") && resetOnQuit) {
                                // Gone without a word: the connection reset (a closing firewall, a crashed relay).
                                client.setSoLinger(true, 0);
                                break;
                            } else if (verb.equals("QUIT")) {
                                out.print("221 bye\r\n");
                                out.flush();
                                break;
                            } else {
                                out.print("250 ok\r\n");
                            }
                            out.flush();
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        EndingsServer resettingOnQuit() {
            resetOnQuit = true;
            return this;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    void connectSmtpWithoutLogin(TestAccounts.TestAccount store, int port) {
        var saved = api.post("/api/v1/integrations", store.apiKey(),
            """
                {"type": "smtp", "config": {"host": "127.0.0.1", "port": %d, "starttls": false, "from_email": "shop@shop.test"}}"""
                .formatted(port));
        assertThat(saved.status()).as(saved.text()).isIn(200, 201);
    }

    /**
     * A probe's SMTP server took the message and dropped the connection before answering: the step said the server
     * "refused the message (reply -1)", and its retry sent it again without a word. Now the failure says the outcome
     * is unknown, and the retry's output says the email may have arrived twice.
     */
    @Test
    void aRetryAfterTheServerTookTheMessageWithoutAnsweringSaysItMayHaveBeenSentTwice() throws IOException {
        var store = accounts.create();
        try (var server = new EndingsServer(null, "250 queued")) {
            connectSmtpWithoutLogin(store, server.port());
            String params = """
                {"to": "ada@example.com", "subject": "Hi", "text": "Hello"}""";

            var first = sendEmail.perform(call(store, "k1", params));
            var retry = sendEmail.perform(call(store, "k1", params));

            assertThat(first).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
                assertThat(failed.code()).isEqualTo("smtp_no_answer");
                assertThat(failed.retryable()).isTrue();
                assertThat(failed.message()).doesNotContain("refused");
            });
            assertThat(retry).isInstanceOfSatisfying(ActionResult.Done.class, done -> assertThat(done.output().path(
                "may_have_been_sent_twice").asBoolean()).isTrue());
            assertThat(server.messages.get()).isEqualTo(2);
        }
    }

    /**
     * A reviewer's: the server took the message ("250 queued") and the connection then broke as it was closed: the
     * step failed and its retry sent the email again. Taken is sent, whatever becomes of the goodbye.
     */
    @Test
    void anEmailTheServerTookIsSentOnceThoughTheConnectionBreaksAsItCloses() throws IOException {
        var store = accounts.create();
        try (var server = new EndingsServer("250 queued", "250 queued").resettingOnQuit()) {
            connectSmtpWithoutLogin(store, server.port());
            String params = """
                {"to": "ada@example.com", "subject": "Hi", "text": "Hello"}""";

            var first = sendEmail.perform(call(store, "k1", params));
            var again = sendEmail.perform(call(store, "k1", params));

            assertThat(first).isInstanceOfSatisfying(ActionResult.Done.class, done -> assertThat(done.output().has(
                "may_have_been_sent_twice")).isFalse());
            assertThat(again).isInstanceOf(ActionResult.Done.class);
            assertThat(server.messages.get()).isEqualTo(1);
        }
    }

    /**
     * A reviewer's: the server took the message without answering (in doubt), then said try later (nothing taken by
     * that attempt), then took it: the first may have been delivered, so the last says it may have arrived twice.
     */
    @Test
    void aTryLaterAfterAnAttemptInDoubtKeepsTheDoubtForTheAttemptThatSends() throws IOException {
        var store = accounts.create();
        try (var server = new EndingsServer(null, "451 try later", "250 queued")) {
            connectSmtpWithoutLogin(store, server.port());
            String params = """
                {"to": "ada@example.com", "subject": "Hi", "text": "Hello"}""";

            var first = sendEmail.perform(call(store, "k1", params));
            var deferred = sendEmail.perform(call(store, "k1", params));
            var retry = sendEmail.perform(call(store, "k1", params));

            assertThat(first).isInstanceOf(ActionResult.Failed.class);
            assertThat(deferred).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> assertThat(failed.code())
                .isEqualTo("smtp_deferred"));
            assertThat(retry).isInstanceOfSatisfying(ActionResult.Done.class, done -> assertThat(done.output().path(
                "may_have_been_sent_twice").asBoolean()).isTrue());
        }
    }

    @Test
    void aRetryAfterTheServerSaidTryLaterIsAPlainSend() throws IOException {
        var store = accounts.create();
        try (var server = new EndingsServer("451 try later", "250 queued")) {
            connectSmtpWithoutLogin(store, server.port());
            String params = """
                {"to": "ada@example.com", "subject": "Hi", "text": "Hello"}""";

            var first = sendEmail.perform(call(store, "k1", params));
            var retry = sendEmail.perform(call(store, "k1", params));

            assertThat(first).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> assertThat(failed.code())
                .isEqualTo("smtp_deferred"));
            assertThat(retry).isInstanceOfSatisfying(ActionResult.Done.class, done -> assertThat(done.output().has(
                "may_have_been_sent_twice")).isFalse());
        }
    }
}
