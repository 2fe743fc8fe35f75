package io.till.receipt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** An SMTP server that takes the login and the sender, and answers every recipient with {@code reply}. */
final class RefusingSmtp implements AutoCloseable {

    private final ServerSocket server;
    private final String reply;
    private final AtomicInteger recipientsAsked = new AtomicInteger();

    RefusingSmtp(String reply) throws IOException {
        this.reply = reply;
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket client = server.accept()) {
                    converse(client);
                } catch (IOException e) {
                    // Closed, or the client hung up: the next connection, if any.
                }
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    /** How many times a client asked for a recipient: each is a try at delivering. */
    int recipientsAsked() {
        return recipientsAsked.get();
    }

    private void converse(Socket client) throws IOException {
        var in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = client.getOutputStream();
        write(out, "220 refusing.test ESMTP");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String command = line.toUpperCase(Locale.ROOT);
            if (command.startsWith("EHLO")) {
                write(out, "250-refusing.test\r\n250 AUTH PLAIN LOGIN");
            } else if (command.startsWith("AUTH")) {
                write(out, "235 2.7.0 accepted");
            } else if (command.startsWith("MAIL FROM")) {
                write(out, "250 2.1.0 ok");
            } else if (command.startsWith("RCPT TO")) {
                recipientsAsked.incrementAndGet();
                write(out, reply);
            } else if (command.startsWith("RSET") || command.startsWith("NOOP")) {
                write(out, "250 2.0.0 ok");
            } else if (command.startsWith("QUIT")) {
                write(out, "221 2.0.0 bye");
                return;
            } else {
                write(out, "503 5.5.1 bad sequence");
            }
        }
    }

    private static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
