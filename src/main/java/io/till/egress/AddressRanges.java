package io.till.egress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses a user-supplied URL may reach. Loopback, private, link-local (cloud metadata lives at
 * 169.254.169.254), carrier-grade NAT, multicast, unique-local and unspecified addresses are refused, in IPv4, IPv6
 * and IPv4-mapped IPv6 form, unless a range of the allow list holds them.
 */
final class AddressRanges {

    /** One CIDR range. */
    record Range(byte[] network, int prefix, String name) {

        static Range parse(String cidr) {
            String text = cidr.strip();
            int slash = text.indexOf('/');
            String address = slash < 0 ? text : text.substring(0, slash);
            if (!address.matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException("not an IP range: " + cidr);
            }
            try {
                byte[] bytes = InetAddress.getByName(address).getAddress();
                int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException("bad prefix length in " + cidr);
                }
                return new Range(bytes, prefix, text);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("not an IP range: " + cidr, e);
            }
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final List<Range> REFUSED = List.of(
        Range.parse("0.0.0.0/8"), Range.parse("10.0.0.0/8"), Range.parse("100.64.0.0/10"), Range.parse("127.0.0.0/8"),
        Range.parse("169.254.0.0/16"), Range.parse("172.16.0.0/12"), Range.parse("192.0.0.0/24"),
        Range.parse("192.168.0.0/16"), Range.parse("198.18.0.0/15"), Range.parse("224.0.0.0/4"),
        Range.parse("240.0.0.0/4"), Range.parse("::/128"), Range.parse("::1/128"), Range.parse("fc00::/7"),
        Range.parse("fe80::/10"), Range.parse("ff00::/8"), Range.parse("64:ff9b::/96"));

    private final List<Range> allowed;

    private AddressRanges(List<Range> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Reads the allow list, comma-separated CIDRs; fails on a malformed one rather than guess. */
    static AddressRanges allowing(String allowList) {
        var ranges = new ArrayList<Range>();
        if (allowList != null) {
            for (String part : allowList.split(",")) {
                if (!part.isBlank()) {
                    ranges.add(Range.parse(part));
                }
            }
        }
        return new AddressRanges(ranges);
    }

    /** Why {@code address} may not be reached, or empty when it may. */
    Optional<String> refusal(InetAddress address) {
        byte[] bytes = normalized(address);
        for (Range range : allowed) {
            if (range.contains(bytes)) {
                return Optional.empty();
            }
        }
        for (Range range : REFUSED) {
            if (range.contains(bytes)) {
                return Optional.of(address.getHostAddress() + ", in the reserved range " + range.name());
            }
        }
        return Optional.empty();
    }

    /** IPv4-mapped ({@code ::ffff:a.b.c.d}) and IPv4-compatible ({@code ::a.b.c.d}) IPv6 addresses as IPv4. */
    private static byte[] normalized(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address && bytes.length == 16) {
            boolean zeros = true;
            for (int i = 0; i < 10; i++) {
                zeros &= bytes[i] == 0;
            }
            boolean mapped = zeros && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
            boolean compatible = zeros && bytes[10] == 0 && bytes[11] == 0 && (bytes[12] != 0 || bytes[13] != 0);
            if (mapped || compatible) {
                return new byte[]{bytes[12], bytes[13], bytes[14], bytes[15]};
            }
        }
        return bytes;
    }
}
