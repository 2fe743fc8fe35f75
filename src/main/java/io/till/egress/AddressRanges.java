package io.till.egress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Which addresses a user-supplied URL may reach. Loopback, private, link-local (cloud metadata lives at
 * 169.254.169.254), carrier-grade NAT, multicast, unique-local, site-local and unspecified addresses are refused, in IPv4, IPv6
 * and IPv4-mapped IPv6 form (and 6to4 addresses embedding one), as are the documentation and other special-purpose
 * ranges, and every address of this machine's own interfaces, even a public one (it reaches Till's own ports and
 * whatever else listens here), unless a range of the allow list holds them.
 */
final class AddressRanges {

    /** One CIDR range; {@code kind} is how a refusal names it ("private", "link-local", "reserved"). */
    record Range(byte[] network, int prefix, String name, String kind) {

        static Range parse(String cidr) {
            return parse(cidr, "allowed");
        }

        static Range parse(String cidr, String kind) {
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
                return new Range(bytes, prefix, text, kind);
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

    // RFC 1918, unique-local and site-local addresses are "private", 169.254/16 and fe80::/10 "link-local" (cloud
    // metadata lives
    // there); loopback, unspecified, multicast, carrier-grade NAT and the other special-purpose ranges "reserved".
    private static final List<Range> REFUSED = List.of(
        Range.parse("0.0.0.0/8", "reserved"), Range.parse("10.0.0.0/8", "private"),
        Range.parse("100.64.0.0/10", "reserved"), Range.parse("127.0.0.0/8", "reserved"),
        Range.parse("169.254.0.0/16", "link-local"), Range.parse("172.16.0.0/12", "private"),
        Range.parse("192.0.0.0/24", "reserved"), Range.parse("192.0.2.0/24", "reserved"),
        Range.parse("192.88.99.0/24", "reserved"), Range.parse("192.168.0.0/16", "private"),
        Range.parse("198.18.0.0/15", "reserved"), Range.parse("198.51.100.0/24", "reserved"),
        Range.parse("203.0.113.0/24", "reserved"), Range.parse("224.0.0.0/4", "reserved"),
        Range.parse("240.0.0.0/4", "reserved"), Range.parse("::/128", "reserved"), Range.parse("::1/128", "reserved"),
        Range.parse("100::/64", "reserved"), Range.parse("2001::/23", "reserved"),
        Range.parse("2001:db8::/32", "reserved"), Range.parse("3fff::/20", "reserved"),
        Range.parse("fc00::/7", "private"), Range.parse("fe80::/10", "link-local"), Range.parse("ff00::/8", "reserved"),
        // Site-local (RFC 3879 deprecated it; networks that kept it still route it inside), and the IPv4-compatible
        // addresses left as IPv6 by normalized(): those of 0.0.0.0/8 (::2), which no public host has.
        Range.parse("fec0::/10", "private"), Range.parse("::/96", "reserved"),
        Range.parse("64:ff9b::/96", "reserved"), Range.parse("64:ff9b:1::/48", "reserved"),
        Range.parse("::ffff:0:0:0/96", "reserved"));

    /** How long the list of this machine's own addresses is used before it is read again. */
    private static final long OWN_ADDRESSES_FOR_NANOS = TimeUnit.SECONDS.toNanos(30);

    private static final Range SIX_TO_FOUR = Range.parse("2002::/16", "reserved");

    /** What an address of this machine's own interfaces is refused as (its sentence says so in words). */
    private static final Range OWN = new Range(new byte[0], 0, "this machine", "own");

    private final List<Range> allowed;
    private final Supplier<Collection<InetAddress>> ownAddresses;
    /** This machine's addresses as last read, normalized, and when (System.nanoTime); null until first needed. */
    private volatile OwnAddresses own;

    private record OwnAddresses(Set<ByteBuffer> addresses, long readAt) {}

    private AddressRanges(List<Range> allowed, Supplier<Collection<InetAddress>> ownAddresses) {
        this.allowed = List.copyOf(allowed);
        this.ownAddresses = ownAddresses;
    }

    /** Reads the allow list, comma-separated CIDRs; fails on a malformed one rather than guess. */
    static AddressRanges allowing(String allowList) {
        return allowing(allowList, AddressRanges::interfaceAddresses);
    }

    /** As {@link #allowing(String)}, this machine's own addresses being what {@code ownAddresses} says. */
    static AddressRanges allowing(String allowList, Supplier<Collection<InetAddress>> ownAddresses) {
        var ranges = new ArrayList<Range>();
        if (allowList != null) {
            for (String part : allowList.split(",")) {
                if (!part.isBlank()) {
                    ranges.add(Range.parse(part));
                }
            }
        }
        return new AddressRanges(ranges, ownAddresses);
    }

    /** The addresses of this machine's network interfaces, up or not; none if the system will not say. */
    static Collection<InetAddress> interfaceAddresses() {
        try {
            return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses).toList();
        } catch (SocketException e) {
            return List.of();
        }
    }

    /**
     * Why {@code address}, written as an address, may not be reached, as a sentence ("127.0.0.1 is in the reserved
     * range 127.0.0.0/8"), or empty when it may.
     */
    Optional<String> refusal(InetAddress address) {
        return refusedRange(address).map(range -> range == OWN
            ? written(address) + " is an address of this machine"
            : written(address) + " is in the " + range.kind() + " range " + range.name());
    }

    /**
     * Why {@code host}, a name that resolved to {@code address}, may not be reached, as a sentence ("shop.internal
     * resolves to a private address"), or empty when it may. The address itself is not said: the sentence reaches
     * whoever set the host (a delivery's error), and what Till's resolver answers for internal names is not theirs
     * to map. {@link #detail} says it, for the server's log.
     */
    Optional<String> refusal(String host, InetAddress address) {
        return refusedRange(address).map(range -> range == OWN
            ? host + " resolves to an address of this machine"
            : host + " resolves to a " + range.kind() + " address");
    }

    /** As {@link #refusal(String, InetAddress)}, with the address and its range: for the server's log only. */
    Optional<String> detail(String host, InetAddress address) {
        return refusedRange(address).map(range -> host + " resolves to " + written(address) + (range == OWN
            ? ", an address of this machine"
            : ", in the " + range.kind() + " range " + range.name()));
    }

    private Optional<Range> refusedRange(InetAddress address) {
        byte[] bytes = normalized(address);
        for (Range range : allowed) {
            if (range.contains(bytes)) {
                return Optional.empty();
            }
        }
        return REFUSED.stream()
            .filter(range -> range.contains(bytes))
            .findFirst()
            .or(() -> refused6to4(bytes))
            .or(() -> own().contains(ByteBuffer.wrap(bytes)) ? Optional.of(OWN) : Optional.empty());
    }

    /** This machine's addresses, read again when the last reading is older than {@link #OWN_ADDRESSES_FOR_NANOS}. */
    private Set<ByteBuffer> own() {
        var last = own;
        long now = System.nanoTime();
        if (last == null || now - last.readAt() > OWN_ADDRESSES_FOR_NANOS) {
            var addresses = new HashSet<ByteBuffer>();
            for (InetAddress address : ownAddresses.get()) {
                addresses.add(ByteBuffer.wrap(normalized(address)));
            }
            last = new OwnAddresses(Set.copyOf(addresses), now);
            own = last;
        }
        return last.addresses();
    }

    /**
     * A 6to4 address ({@code 2002:AABB:CCDD::/48}, RFC 3056) reaches the IPv4 address {@code AA.BB.CC.DD} through a
     * relay, so one that embeds a refused IPv4 address is refused with it ({@code 2002:7f00:1::} is 127.0.0.1). The
     * allow list's IPv4 ranges do not cover it: the address is allowed only when a range lists it as IPv6.
     */
    private static Optional<Range> refused6to4(byte[] bytes) {
        if (bytes.length != 16 || bytes[0] != 0x20 || bytes[1] != 0x02) {
            return Optional.empty();
        }
        byte[] embedded = {bytes[2], bytes[3], bytes[4], bytes[5]};
        return REFUSED.stream()
            .filter(range -> range.contains(embedded))
            .findFirst()
            .map(range -> new Range(SIX_TO_FOUR.network(), SIX_TO_FOUR.prefix(), SIX_TO_FOUR.name() + " (6to4 for "
                + range.name() + ")", range.kind()));
    }

    /** The address as the range that holds it is written: an IPv4-mapped IPv6 address as its IPv4 form. */
    private static String written(InetAddress address) {
        byte[] bytes = normalized(address);
        if (bytes.length == 4 && address instanceof Inet6Address) {
            try {
                return InetAddress.getByAddress(bytes).getHostAddress();
            } catch (UnknownHostException e) {
                throw new IllegalStateException("four bytes are always an IPv4 address", e);
            }
        }
        return address instanceof Inet6Address ? shortForm(bytes) : address.getHostAddress();
    }

    /** An IPv6 address as people write it (RFC 5952): {@code ::1}, {@code fe80::abcd}, not {@code 0:0:0:0:0:0:0:1}. */
    static String shortForm(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        // The longest run of two or more zero groups (the first of equals) becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
            i += length;
        }
        var written = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                written.append("::");
                i += bestLength - 1;
                continue;
            }
            if (written.length() > 0 && written.charAt(written.length() - 1) != ':') {
                written.append(':');
            }
            written.append(Integer.toHexString(groups[i]));
        }
        return written.toString();
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
