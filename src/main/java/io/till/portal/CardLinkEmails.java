package io.till.portal;

import io.till.account.Accounts;
import io.till.account.Brandings;
import io.till.customer.Customer;
import io.till.customer.Customers;
import io.till.message.Emails;
import io.till.shared.Ids;
import io.till.shared.RealTime;
import io.till.shared.Timestamps;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import java.io.UnsupportedEncodingException;
import java.time.Clock;
import java.time.Duration;
import org.springframework.mail.MailException;
import org.springframework.stereotype.Component;

/**
 * A card-update link emailed to a customer at a staff member's request: the link a dunning email carries
 * ({@link CardLinks}), for a customer whose card fails or expires when no automation sends one. The email goes as the
 * account's other emails do (its SMTP or the dev mailbox, branded, replies to its support address).
 */
@Component
public class CardLinkEmails {

    private final Customers customers;
    private final CardLinks links;
    private final Emails emails;
    private final Accounts accounts;
    private final Brandings brandings;
    private final PortalSettingsStore settings;
    private final Clock clock;

    CardLinkEmails(Customers customers, CardLinks links, Emails emails, Accounts accounts, Brandings brandings,
        PortalSettingsStore settings, @RealTime Clock clock) {
        this.customers = customers;
        this.links = links;
        this.emails = emails;
        this.accounts = accounts;
        this.brandings = brandings;
        this.settings = settings;
        this.clock = clock;
    }

    /** What the staff member is told: whether the email went, in words. */
    public record Sent(boolean ok, String message) {}

    /** Emails the customer a fresh link to their card page. */
    public Sent send(String accountId, String customerId) {
        Customer customer = customers.get(accountId, customerId);
        if (customer.redactedAt() != null) {
            // Their address is gone (…@redacted.invalid): "Emailed" would be untrue, and nothing should reach them.
            return new Sent(false, "This customer's personal data was erased: there is no address to email a link "
                + "to, and none was sent.");
        }
        String company = brandings.get(accountId).companyNameOr(accounts.get(accountId).name());
        String validity = words(settings.get(accountId).cardLinkValidity());
        String text = """
            Hello %s,

            %s asks you to check the card you pay with. Add a new card here; the link works once, within %s:
            %s

            If something is unpaid, it is paid with the card you choose. If you did not expect this email, write back
            to us.
            """.formatted(customer.name(), company, validity, links.url(accountId, customerId));
        try {
            var sent = emails.send(accountId, "staff_card_link:" + Ids.randomToken(20),
                new Emails.Outgoing(new InternetAddress(customer.email()), null, "Update your card for " + company,
                    text, null, null));
            boolean devMailbox = "dev_mailbox".equals(sent.path("via").asString(""));
            return new Sent(true, "Emailed " + customer.email() + " a link to add a new card" + (devMailbox
                ? " (to the dev mailbox: no SMTP server is connected)"
                : "") + ". It works once, within " + validity + ".");
        } catch (MessagingException | UnsupportedEncodingException | MailException e) {
            // Never the server's words (ConnectionFailure): a fixed sentence, and where to look.
            return new Sent(false, "The email to " + customer.email() + " could not be sent: the mail server "
                + "refused it or could not be reached. Settings › Integrations tests the connection.");
        }
    }

    /**
     * "7 days", "1 day", "12 hours", "1 hour and 30 minutes": a link's validity (1 hour to 30 days, to the second),
     * exactly, so that the buyer is not told a link works longer than it does.
     */
    static String words(Duration validity) {
        var parts = new java.util.ArrayList<String>();
        long[] amounts = {validity.toDays(), validity.toHoursPart(), validity.toMinutesPart(),
                validity.toSecondsPart()};
        String[] units = {"day", "hour", "minute", "second"};
        for (int i = 0; i < amounts.length; i++) {
            if (amounts[i] > 0) {
                parts.add(amounts[i] + " " + units[i] + (amounts[i] == 1 ? "" : "s"));
            }
        }
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.getLast();
    }
}
