package io.till.integration;

import io.till.egress.ConnectionFailure;
import io.till.egress.EgressGuard;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.util.List;
import org.springframework.stereotype.Component;

/** "Test connection": whether Till can reach and sign in to an integration's service, and if not, why. */
@Component
class ConnectionTests {

    /** The test's answer when STARTTLS is required and the server does not offer it. */
    static final String NO_STARTTLS = "The server does not offer STARTTLS, which this connection requires: use the "
        + "server's TLS port (587 or 465), or turn off Require STARTTLS only for a server on a network you trust.";

    private final Integrations integrations;
    private final TwilioClient twilio;
    private final EgressGuard guard;
    private final List<ConnectionTester> testers;

    ConnectionTests(Integrations integrations, TwilioClient twilio, EgressGuard guard,
        List<ConnectionTester> testers) {
        this.integrations = integrations;
        this.twilio = twilio;
        this.guard = guard;
        this.testers = testers;
    }

    record Outcome(boolean ok, String message) {}

    Outcome test(String accountId, IntegrationType type) {
        return switch (type) {
            case SMTP -> integrations.smtp(accountId).map(this::smtp).orElseThrow(() -> notFound(type));
            case TWILIO -> integrations.twilio(accountId).map(this::twilio).orElseThrow(() -> notFound(type));
            case SLACK, ACTIVECAMPAIGN, HUBSPOT, KEAP -> {
                integrations.get(accountId, type);
                yield testers.stream().filter(tester -> tester.types().contains(type)).findFirst()
                    .map(tester -> tester.test(accountId, type))
                    .map(result -> new Outcome(result.ok(), result.message()))
                    // A Slack incoming webhook has no way to check it without posting a message.
                    .orElse(new Outcome(false, "not supported: " + type.code() + " cannot be checked without "
                        + "sending"));
            }
        };
    }

    /**
     * Connects, says EHLO, upgrades by STARTTLS when asked to and signs in: everything short of sending. A failure is
     * told in a fixed sentence of its kind, never in the server's words.
     */
    private Outcome smtp(SmtpSettings settings) {
        try {
            settings.sender(guard).testConnection();
            return new Outcome(true, "connected to " + settings.host() + ":" + settings.port()
                + (settings.username() == null ? "" : " and signed in as " + settings.username()));
        } catch (AuthenticationFailedException e) {
            return new Outcome(false, ConnectionFailure.AUTH_FAILED.sentence());
        } catch (MessagingException e) {
            if (SmtpSettings.startTlsMissing(e)) {
                return new Outcome(false, NO_STARTTLS);
            }
            return new Outcome(false, ConnectionFailure.of(e).sentence());
        }
    }

    private Outcome twilio(TwilioSettings settings) {
        return switch (twilio.fetchAccount(settings)) {
            case TwilioClient.Reply reply when reply.ok() -> new Outcome(true, "signed in to account "
                + settings.accountSid());
            case TwilioClient.Reply reply when reply.status() == 401 || reply.status() == 403 -> new Outcome(false,
                ConnectionFailure.AUTH_FAILED.sentence());
            case TwilioClient.Reply reply -> new Outcome(false, reply.summary() + ".");
            case TwilioClient.Unanswered unanswered -> new Outcome(false, unanswered.failure().sentence());
        };
    }

    private static io.till.shared.TillException notFound(IntegrationType type) {
        return io.till.shared.TillException.notFound("integration", type.code());
    }
}
