package io.till.integration;

import java.time.Duration;
import java.util.Properties;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/** An account's SMTP server, with the password in clear: never log or answer it. */
public record SmtpSettings(String host, int port, String username, String password, boolean starttls,
    String fromEmail) {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration IO_TIMEOUT = Duration.ofSeconds(30);

    /** A sender for this server. Port 465 speaks TLS from the first byte (SMTPS); others may upgrade by STARTTLS. */
    public JavaMailSenderImpl sender() {
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
        properties.put("mail." + protocol + ".connectiontimeout", String.valueOf(CONNECT_TIMEOUT.toMillis()));
        properties.put("mail." + protocol + ".timeout", String.valueOf(IO_TIMEOUT.toMillis()));
        properties.put("mail." + protocol + ".writetimeout", String.valueOf(IO_TIMEOUT.toMillis()));
        sender.setJavaMailProperties(properties);
        return sender;
    }

    @Override
    public String toString() {
        return "SmtpSettings[" + host + ":" + port + ", username=" + username + "]";
    }
}
