package io.till.message;

import io.till.action.ActionResult;
import io.till.egress.ConnectionFailure;
import io.till.egress.HostSlots;
import io.till.integration.SmtpSettings;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailSendException;

/**
 * Tells an SMTP failure that trying again cannot fix (bad credentials, an address the server refuses with a 5xx) from
 * one that may pass (the server unreachable or slow, a 4xx "try later"). When in doubt it is retryable: the step's
 * retry policy bounds the cost, while a wrongly permanent failure loses the email. Messages give the reply code and
 * fixed words, never the server's text: aimed at an internal service, that text is what an attacker would read.
 */
final class SmtpFailures {

    private SmtpFailures() {}

    static ActionResult.Failed classify(Exception failure) {
        if (causes(failure).stream().anyMatch(SmtpSettings::startTlsMissing)) {
            return ActionResult.Failed.permanent("smtp_no_starttls", "the SMTP server does not offer STARTTLS, which "
                + "the SMTP settings require: nothing was sent");
        }
        // The server's reply for an address, wherever it sits (under the failure that lists the addresses), says most.
        for (Throwable t : causes(failure)) {
            if (t instanceof SMTPAddressFailedException refused) {
                return byReply(refused.getReturnCode(), "invalid_address", "the SMTP server refused "
                    + refused.getAddress() + " (reply " + refused.getReturnCode() + ")");
            }
        }
        for (Throwable t : causes(failure)) {
            if (t instanceof MailAuthenticationException || t instanceof AuthenticationFailedException) {
                return ActionResult.Failed.permanent("smtp_auth_failed", "the SMTP server refused the username or "
                    + "password");
            }
            if (t instanceof SMTPSendFailedException rejected) {
                return byReply(rejected.getReturnCode(), "smtp_rejected", "the SMTP server refused the message "
                    + "(reply " + rejected.getReturnCode() + ")");
            }
            if (t instanceof AddressException) {
                return ActionResult.Failed.permanent("invalid_address", "an address of the message is not valid");
            }
            if (t instanceof SendFailedException sent && sent.getInvalidAddresses() != null && sent
                .getInvalidAddresses().length > 0) {
                return ActionResult.Failed.permanent("invalid_address", "invalid addresses: " + List.of(sent
                    .getInvalidAddresses()));
            }
        }
        // A refusal of any failed message is the answer: the guard refuses the host, never worth trying again.
        var kinds = causes(failure).stream().map(ConnectionFailure::of).toList();
        ConnectionFailure network = kinds.contains(ConnectionFailure.BLOCKED)
            ? ConnectionFailure.BLOCKED
            : kinds.stream().filter(kind -> kind != ConnectionFailure.PROTOCOL).findFirst().orElse(
                ConnectionFailure.PROTOCOL);
        return switch (network) {
            case BLOCKED -> ActionResult.Failed.permanent("destination_refused", ConnectionFailure.BLOCKED.sentence());
            case PROTOCOL -> ActionResult.Failed.retryable("smtp_error", "the SMTP server did not answer as "
                + "expected");
            case ConnectionFailure kind -> ActionResult.Failed.retryable("smtp_unavailable", "cannot reach the SMTP "
                + "server: " + kind.sentence());
        };
    }

    /** Whether nothing was sent because this node had every send it makes to the server at once open. */
    static boolean hostBusy(Exception failure) {
        return causes(failure).stream().anyMatch(HostSlots.Busy.class::isInstance);
    }

    /** 5xx is the server's final word; 4xx (and anything odd) means later may work. */
    private static ActionResult.Failed byReply(int code, String permanentCode, String message) {
        if (code < 0) {
            // No reply at all: the connection closed after the message was handed over, which it may have taken.
            return ActionResult.Failed.retryable("smtp_no_answer", "the SMTP server closed the connection before "
                + "saying whether it took the message; it is sent again, and may arrive twice");
        }
        return code >= 500 && code < 600
            ? ActionResult.Failed.permanent(permanentCode, message)
            : ActionResult.Failed.retryable("smtp_deferred", message);
    }

    /**
     * Whether the failure shows the server did not take the message: it refused with a reply code (an address, the
     * message, the credentials) or no connection was made. A connection lost without a reply after the message was
     * handed over is not such a failure: the server may have delivered it.
     */
    static boolean nothingDelivered(Exception failure) {
        if (causes(failure).stream().anyMatch(SmtpSettings::startTlsMissing)) {
            return true;
        }
        for (Throwable t : causes(failure)) {
            if (t instanceof MailAuthenticationException || t instanceof AuthenticationFailedException
                || t instanceof AddressException) {
                return true;
            }
            if (t instanceof SMTPAddressFailedException refused && refused.getReturnCode() > 0) {
                return true;
            }
            if (t instanceof SMTPSendFailedException rejected && rejected.getReturnCode() > 0) {
                return true;
            }
        }
        return causes(failure).stream().map(ConnectionFailure::of)
            .anyMatch(kind -> kind == ConnectionFailure.BLOCKED || kind == ConnectionFailure.UNKNOWN_HOST
                || kind == ConnectionFailure.REFUSED
                || kind == ConnectionFailure.TLS_FAILED || kind == ConnectionFailure.AUTH_FAILED);
    }

    /** The failure, its causes, and those of every message Spring reports failed, outermost first. */
    private static List<Throwable> causes(Throwable failure) {
        var seen = Collections.newSetFromMap(new IdentityHashMap<Throwable, Boolean>());
        var all = new ArrayList<Throwable>();
        collect(failure, seen, all);
        return all;
    }

    private static void collect(Throwable t, Set<Throwable> seen, List<Throwable> all) {
        while (t != null && seen.add(t)) {
            all.add(t);
            if (t instanceof MailSendException send) {
                send.getFailedMessages().values().forEach(nested -> collect(nested, seen, all));
                for (Exception nested : send.getMessageExceptions()) {
                    collect(nested, seen, all);
                }
            }
            t = t.getCause();
        }
    }
}
