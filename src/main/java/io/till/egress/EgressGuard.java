package io.till.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.SocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The one address check for every outbound connection a user can aim (webhook and Slack URLs, CRM and Twilio base
 * URLs, SMTP hosts, and whatever protocol comes next): a host is resolved once, every address it resolves to is checked
 * against {@link AddressRanges}, and the caller connects to one of those checked addresses, never to the name again
 * (a name that resolves differently a second later cannot slip through). HTTP goes through {@link EgressClient}, which
 * resolves here; other protocols take {@link #socketFactory()}.
 */
@Component
@EnableConfigurationProperties(EgressSettings.class)
public class EgressGuard {

    private static final Logger log = LoggerFactory.getLogger(EgressGuard.class);

    /** What the JDK reads as an IP address without asking DNS: dotted or bare decimal IPv4, or IPv6. */
    private static final Pattern LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.%]*");

    /** A URL's scheme and authority: the authority ends at the first slash, question mark or hash. */
    private static final Pattern AUTHORITY = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://([^/?#]*)");

    private final AddressRanges ranges;
    private final SocketFactory sockets;

    public EgressGuard(EgressSettings settings) {
        this.ranges = AddressRanges.allowing(settings.allow());
        this.sockets = new GuardedSocketFactory(this, settings.deadline());
    }

    /**
     * The addresses {@code host} resolves to, every one of them checked; connect to one of these. Throws
     * {@link RefusedDestination} when any of them is refused, an {@link UnknownHostException} when none resolves.
     */
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        String name = unbracketed(host);
        if (name.isBlank()) {
            // The JDK resolves an empty name to the loopback address.
            throw new UnknownHostException("no host name");
        }
        InetAddress[] addresses = InetAddress.getAllByName(name);
        for (InetAddress address : addresses) {
            // An address written in any form is named as the address; a name as what it resolved to.
            boolean literal = LITERAL.matcher(name).matches();
            var refusal = literal ? ranges.refusal(address) : ranges.refusal(name, address);
            if (refusal.isPresent()) {
                if (!literal) {
                    ranges.detail(name, address).ifPresent(detail -> log.info("Refused a connection: {}", detail));
                }
                throw new RefusedDestination(refusal.get());
            }
        }
        return List.of(addresses);
    }

    /**
     * Why a host can be refused when it is saved, before any connection: an IP address in any form the JDK reads
     * ({@code 0.0.0.0}, {@code 2130706433}, {@code [::ffff:127.0.0.1]}) or {@code localhost} in a reserved range that is
     * not allowed, said as the message of a field error. Empty for other names: those are checked, as every host is,
     * each time Till connects.
     */
    public Optional<String> savedHostRefusal(String host) {
        if (host == null) {
            return Optional.empty();
        }
        String name = unbracketed(host).toLowerCase(Locale.ROOT);
        // "localhost." is localhost; "fe80::1%lo" (or "%25lo" as a URL writes it) is fe80::1 on an interface.
        name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        name = name.contains(":") && name.indexOf('%') >= 0 ? name.substring(0, name.indexOf('%')) : name;
        // 0x7f000001, 017700000001, 0177.0.0.1: the JDK reads these as names or as other addresses, but browsers,
        // curl and the C library read them as IPv4 (inet_aton): refused for what those read too.
        var numeric = InetAton.read(name).flatMap(ranges::refusal);
        if (numeric.isPresent()) {
            return Optional.of(refusedField(numeric.get()));
        }
        boolean local = name.isEmpty() || name.equals("localhost") || name.endsWith(".localhost");
        if (!local && !LITERAL.matcher(name).matches()) {
            return Optional.empty();
        }
        try {
            resolve(name);
            return Optional.empty();
        } catch (RefusedDestination e) {
            return Optional.of(refusedField(e.getMessage()));
        } catch (UnknownHostException e) {
            return local ? Optional.of(refusedField(host + " is a local name")) : Optional.empty();
        }
    }

    /**
     * Why a URL can be refused when it is saved: {@link #savedHostRefusal} of its host as written, also where
     * {@link java.net.URI} reads no host at all ({@code http://127.1/}, {@code http://0x7f.1/}, which browsers and curl
     * read as 127.0.0.1). Empty when the URL names no host; whether it is a valid URL is
     * {@link EgressClient#invalidUrl}'s to say.
     */
    public Optional<String> savedUrlRefusal(String url) {
        return writtenHost(url).flatMap(this::savedHostRefusal);
    }

    /** The host of {@code scheme://[user@]host[:port]/…} as written, brackets kept around an IPv6 address. */
    static Optional<String> writtenHost(String url) {
        var matcher = url == null ? null : AUTHORITY.matcher(url.strip());
        if (matcher == null || !matcher.lookingAt()) {
            return Optional.empty();
        }
        String authority = matcher.group(1);
        String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
        String host = hostAndPort.startsWith("[")
            ? hostAndPort.substring(0, hostAndPort.indexOf(']') < 0
                ? hostAndPort.length()
                : hostAndPort.indexOf(']')
                    + 1)
            : hostAndPort.replaceFirst(":.*$", "");
        return host.isBlank() ? Optional.empty() : Optional.of(host);
    }

    private static String refusedField(String reason) {
        return "names a loopback, private, link-local or otherwise reserved address (" + reason + "); Till does not "
            + "connect there unless TILL_EGRESS_ALLOW lists its range";
    }

    /**
     * Sockets that connect only to a checked address of the host they are given, for protocols other than HTTP (the
     * SMTP client takes it as {@code mail.smtp.socketFactory}). TLS layered on top still verifies the original host
     * name, which the caller passes to the TLS layer, not the address.
     */
    public SocketFactory socketFactory() {
        return sockets;
    }

    private static String unbracketed(String host) {
        String name = host.strip();
        return name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
    }
}
