package io.till.integration;

import jakarta.mail.MessagingException;
import java.io.IOException;
import java.util.List;
import org.springframework.stereotype.Component;

/** "Test connection": whether Till can reach and sign in to an integration's service, and if not, why. */
@Component
class ConnectionTests {

    private final Integrations integrations;
    private final TwilioClient twilio;
    private final List<ConnectionTester> testers;

    ConnectionTests(Integrations integrations, TwilioClient twilio, List<ConnectionTester> testers) {
        this.integrations = integrations;
        this.twilio = twilio;
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

    /** Connects, says EHLO, upgrades by STARTTLS when asked to and signs in: everything short of sending. */
    private Outcome smtp(SmtpSettings settings) {
        try {
            settings.sender().testConnection();
            return new Outcome(true, "connected to " + settings.host() + ":" + settings.port()
                + (settings.username() == null ? "" : " and signed in as " + settings.username()));
        } catch (MessagingException e) {
            return new Outcome(false, describe(e));
        }
    }

    private Outcome twilio(TwilioSettings settings) {
        try {
            var reply = twilio.fetchAccount(settings);
            return reply.ok()
                ? new Outcome(true, "signed in to account " + settings.accountSid())
                : new Outcome(false, reply.message());
        } catch (IOException e) {
            return new Outcome(false, "cannot reach " + settings.baseUrl() + ": " + e.getClass().getSimpleName());
        }
    }

    private static String describe(Throwable e) {
        var message = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            message.append(": ").append(e.getMessage().strip());
        }
        if (e.getCause() != null && e.getCause() != e) {
            message.append(" (").append(describe(e.getCause())).append(")");
        }
        return message.toString();
    }

    private static io.till.shared.TillException notFound(IntegrationType type) {
        return io.till.shared.TillException.notFound("integration", type.code());
    }
}
