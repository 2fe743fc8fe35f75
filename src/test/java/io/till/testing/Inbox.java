package io.till.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * A shop's mail as its buyers read it, through a real SMTP server (GreenMail): each message as one line
 * {@code recipient | subject | plain text}, the portal's links written as {@code <portal url>} and {@code <card url>}.
 */
public final class Inbox {

    public static final String USER = "till";
    public static final String PASSWORD = "mail-password";
    public static final String FROM = "shop@shop.test";

    private Inbox() {}

    /** Sends the shop's mail through {@code mail}. */
    public static void connect(Api api, Shops.Shop shop, GreenMailExtension mail) {
        var smtp = api.post("/api/v1/integrations", shop.apiKey(), """
            {"type": "smtp", "config": {"host": "127.0.0.1", "port": %d, "username": "%s",
             "password": "%s", "starttls": false, "from_email": "%s"}}""".formatted(mail.getSmtp().getPort(), USER,
            PASSWORD, FROM));
        assertThat(smtp.status()).as(smtp.text()).isIn(200, 201);
    }

    public static List<String> lines(GreenMailExtension mail) {
        return Arrays.stream(mail.getReceivedMessages()).map(message -> {
            try {
                return message.getAllRecipients()[0] + " | " + message.getSubject() + " | " + plainText(message)
                    .replaceAll("http\\S*/portal/[a-z0-9_]+/card_link/[a-z0-9_-]+", "<card url>")
                    .replaceAll("http\\S*/portal/[A-Za-z0-9_]+", "<portal url>");
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    /** The plain-text part as the customer reads it, without the shop's signature. */
    private static String plainText(Part part) throws MessagingException, IOException {
        if (part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                if (multipart.getBodyPart(i).isMimeType("text/plain")) {
                    return plainText(multipart.getBodyPart(i));
                }
            }
        }
        String text = part.getContent().toString().replace("\r\n", "\n");
        int signature = text.indexOf("\n-- \n");
        return (signature < 0 ? text : text.substring(0, signature)).strip();
    }
}
