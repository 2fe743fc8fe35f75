package io.till.integration;

import io.till.egress.EgressGuard;
import java.time.Duration;
import java.util.Properties;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/** An account's SMTP server, with the password in clear: never log or answer it. */
public record SmtpSettings(String host, int port, String username, String password, boolean starttls,
    String fromEmail) {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration IO_TIMEOUT = Duration.ofSeconds(30);

    /**
     * A sender for this server. Port 465 speaks TLS from the first byte (SMTPS); others may upgrade by STARTTLS. Its
     * sockets come from the guard: they connect only to a checked address of the host, while TLS (SMTPS or STARTTLS)
     * still verifies the certificate against the host name.
     */
    public JavaMailSenderImpl sender(EgressGuard guard) {
        var sender = new JavaMailSenderImpl();
        boolean smtps = port == 465;
        String protocol = smtps ? "smtps" : "smtp";
        sender.setProtocol(protocol);
        sender.setHost(host);
        sender.setPort(port);
        sender.setDefaultEncoding("UTF-8");
        var properties = new Properties();
        if (username != null) {
            sender.setUsername(username);
            sender.setPassword(password);
            properties.put("mail." + protocol + ".auth", "true");
        }
        if (starttls) {
            properties.put("mail.smtp.starttls.enable", "true");
            properties.put("mail.smtp.starttls.required", "true");
        }
        // An object, not a class name: Angus Mail takes a SocketFactory instance under this key. Without the fallback
        // a refused address fails the send instead of being retried on a plain socket.
        properties.put("mail." + protocol + ".socketFactory", guard.socketFactory());
        properties.put("mail." + protocol + ".socketFactory.fallback", "false");
        properties.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        properties.put("mail." + protocol + ".connectiontimeout", String.valueOf(CONNECT_TIMEOUT.toMillis()));
        properties.put("mail." + protocol + ".timeout", String.valueOf(IO_TIMEOUT.toMillis()));
        properties.put("mail." + protocol + ".writetimeout", String.valueOf(IO_TIMEOUT.toMillis()));
        sender.setJavaMailProperties(properties);
        return sender;
    }

    /**
     * Whether the failure is this client's refusal to go on in clear: STARTTLS is required and the server does not offer
     * it. Told by Angus Mail's own words, never the server's.
     */
    public static boolean startTlsMissing(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().startsWith("STARTTLS is required but host does not support")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "SmtpSettings[" + host + ":" + port + ", username=" + username + "]";
    }
}
