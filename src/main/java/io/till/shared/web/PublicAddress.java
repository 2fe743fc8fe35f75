package io.till.shared.web;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Where buyers and sellers reach this Till: {@code TILL_PUBLIC_URL}, else this node on localhost (a laptop). Links
 * that leave Till (emails, API answers) are built from here, never from a request's Host header.
 */
@Component
public class PublicAddress {

    private final String publicUrl;
    private final Environment environment;

    PublicAddress(@Value("${till.bootstrap.public-url:}") String publicUrl, Environment environment) {
        this.publicUrl = publicUrl;
        this.environment = environment;
    }

    /** The base URL without a trailing slash, such as {@code https://till.example}. */
    public String baseUrl() {
        return publicUrl != null && !publicUrl.isBlank()
            ? publicUrl.strip().replaceAll("/+$", "")
            : "http://localhost:" + environment.getProperty("local.server.port", "8080");
    }
}
