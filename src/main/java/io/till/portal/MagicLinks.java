package io.till.portal;

import io.till.account.Accounts;
import io.till.account.Brandings;
import io.till.customer.Customers;
import io.till.message.Emails;
import io.till.shared.RealTime;
import io.till.shared.Timestamps;
import io.till.shared.web.PublicAddress;
import jakarta.annotation.PreDestroy;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import java.io.UnsupportedEncodingException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Emails a sign-in link to a buyer who asked for one on the sign-in page. The whole job (finding the customer, making
 * the link, sending) runs off the request thread, so the page answers in the same time whether or not the email
 * belongs to a customer. The email goes as the account's other emails do ({@link Emails}: its SMTP or the dev mailbox,
 * branded, from its sender name, replies to its support address).
 */
@Component
class MagicLinks {

    private static final Logger log = LoggerFactory.getLogger(MagicLinks.class);

    private final Customers customers;
    private final PortalLinks links;
    private final Emails emails;
    private final Accounts accounts;
    private final Brandings brandings;
    private final PublicAddress publicAddress;
    private final Clock clock;
    private final ExecutorService sender = Executors.newVirtualThreadPerTaskExecutor();

    MagicLinks(Customers customers, PortalLinks links, Emails emails, Accounts accounts, Brandings brandings,
        PublicAddress publicAddress, @RealTime Clock clock) {
        this.customers = customers;
        this.links = links;
        this.emails = emails;
        this.accounts = accounts;
        this.brandings = brandings;
        this.publicAddress = publicAddress;
        this.clock = clock;
    }

    /** Sends a link if {@code address} is a customer's of the account; says nothing either way. */
    void requested(String accountId, String address) {
        sender.execute(() -> {
            try {
                send(accountId, address);
            } catch (RuntimeException | MessagingException | UnsupportedEncodingException e) {
                log.warn("A portal sign-in link for account {} could not be sent: {}", accountId, e.toString());
            }
        });
    }

    private void send(String accountId, String address) throws MessagingException, UnsupportedEncodingException {
        var customer = customers.findByEmail(accountId, address);
        if (customer.isEmpty()) {
            return;
        }
        var issued = links.issue(PortalLinks.Kind.EMAIL, accountId, customer.get().id(), null);
        String url = publicAddress.baseUrl() + "/portal/" + accountId + "/link/" + issued.token();
        String company = brandings.get(accountId).companyNameOr(accounts.get(accountId).name());
        String text = """
            Hello,

            Here is your link to sign in to your account at %s It works once, within 15 minutes:
            %s

            If you did not ask for it, ignore this email: nobody can sign in without the link.
            """.formatted(PortalFrame.endingASentence(company), url);
        // The link's hash names the send, so that it goes once whatever happens.
        String key = "portal_sign_in:" + HexFormat.of().formatHex(PortalTokens.hash(issued.token()), 0, 16);
        emails.send(accountId, key, new Emails.Outgoing(
            new InternetAddress(customer.get().email()), null, "Your sign-in link for " + company, text, null, null));
    }

    @PreDestroy
    void stop() {
        sender.close();
    }
}
