package io.till.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRangesTest {

    static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.31.255.255", "192.168.0.1", "169.254.169.254",
            "100.127.255.254", "0.0.0.0", "239.1.1.1", "255.255.255.255", "::1", "::", "fe80::abcd", "fd12:3456::1",
            "ff02::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "::127.0.0.1",
            // The documentation ranges (a host's own interface may sit in one, as on the machine this was found on),
            // the old 6to4 relays, and IPv6's documentation, discard and protocol-assignment (Teredo) ranges.
            "192.0.2.2", "198.51.100.7", "203.0.113.9", "192.88.99.1", "2001:db8::1", "3fff::1", "100::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            // NAT64's prefixes, well-known and local-use (RFC 8215), and SIIT's translated form: each reaches the IPv4
            // address it embeds (here the cloud metadata's) where the network translates it.
            "64:ff9b::a9fe:a9fe", "64:ff9b:1::a9fe:a9fe", "::ffff:0:a9fe:a9fe",
            // IPv6's site-local range (deprecated, still routed inside networks that kept it: Java calls it
            // site-local),
            // and IPv4-compatible forms of 0.0.0.0/8 that no public host has.
            "fec0::1", "feff::1", "::2", "::0.0.1.1"})
    void refusesReservedAddresses(String literal) throws UnknownHostException {
        assertThat(AddressRanges.allowing("").refusal(ip(literal))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
            "::ffff:8.8.8.8"})
    void acceptsPublicAddresses(String literal) throws UnknownHostException {
        assertThat(AddressRanges.allowing("").refusal(ip(literal))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2002:7f00:1::", "2002:7f00:0001:0:0:0:0:1", "2002:a9fe:a9fe::", "2002:0a00:0001::",
            "2002:c0a8:0101::5"})
    void refuses6to4AddressesThatEmbedAReservedIpv4Address(String literal) throws UnknownHostException {
        assertThat(AddressRanges.allowing("127.0.0.1/32").refusal(ip(literal))).hasValueSatisfying(
            message -> assertThat(message).contains("2002::/16"));
    }

    @Test
    void accepts6to4AddressesThatEmbedAPublicIpv4Address() throws UnknownHostException {
        assertThat(AddressRanges.allowing("").refusal(ip("2002:0808:0808::1"))).isEmpty();
    }

    @Test
    void anAllowedRangeIsReachableAndItsNeighboursAreNot() throws UnknownHostException {
        var ranges = AddressRanges.allowing(" 127.0.0.1/32 , 10.20.0.0/16");

        assertThat(ranges.refusal(ip("127.0.0.1"))).isEmpty();
        assertThat(ranges.refusal(ip("::ffff:127.0.0.1"))).isEmpty();
        assertThat(ranges.refusal(ip("127.0.0.2"))).isPresent();
        assertThat(ranges.refusal(ip("10.20.3.4"))).isEmpty();
        assertThat(ranges.refusal(ip("10.21.0.1"))).isPresent();
    }

    @Test
    void aRefusalIsASentenceNamingTheAddressAndTheRangeItFallsIn() throws UnknownHostException {
        var ranges = AddressRanges.allowing("");

        assertThat(ranges.refusal(ip("127.0.0.1"))).contains("127.0.0.1 is in the reserved range 127.0.0.0/8");
        assertThat(ranges.refusal(ip("192.168.1.10"))).contains("192.168.1.10 is in the private range 192.168.0.0/16");
        assertThat(ranges.refusal(ip("169.254.169.254")))
            .contains("169.254.169.254 is in the link-local range 169.254.0.0/16");
        assertThat(ranges.refusal(ip("::ffff:10.0.0.1"))).contains("10.0.0.1 is in the private range 10.0.0.0/8");
    }

    /**
     * A reviewer mapped internal names through a webhook's delivery error, which said what Till's resolver answered
     * ("resolves to 10.96.4.2"): a refused name says only the kind of address; the server's log says the rest.
     */
    @Test
    void aRefusedNameSaysTheKindOfAddressItResolvesToButNotTheAddress() throws UnknownHostException {
        var resolved = InetAddress.getByAddress(new byte[]{10, 0, 0, 5});

        assertThat(AddressRanges.allowing("").refusal("shop.internal", resolved))
            .contains("shop.internal resolves to a private address");
        assertThat(AddressRanges.allowing("").detail("shop.internal", resolved))
            .contains("shop.internal resolves to 10.0.0.5, in the private range 10.0.0.0/8");
        assertThat(AddressRanges.allowing("10.0.0.0/24").refusal("shop.internal", resolved)).isEmpty();
    }

    @Test
    void refusesAnAddressOfThisMachineEvenAPublicOneUnlessTheAllowListHoldsIt() throws UnknownHostException {
        // As if this machine's interface had the public address 8.8.4.4: connecting to it reaches Till's own ports.
        var own = ip("8.8.4.4");

        assertThat(AddressRanges.allowing("", () -> List.of(own)).refusal(own))
            .contains("8.8.4.4 is an address of this machine");
        assertThat(AddressRanges.allowing("", () -> List.of(own)).refusal("shop.example", own))
            .contains("shop.example resolves to an address of this machine");
        assertThat(AddressRanges.allowing("", () -> List.of(own)).refusal(ip("8.8.8.8"))).isEmpty();
        assertThat(AddressRanges.allowing("8.8.4.4/32", () -> List.of(own)).refusal(own)).isEmpty();
    }

    @Test
    void theMachinesOwnInterfacesAreReadFromTheSystem() throws Exception {
        var own = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
            .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
            .filter(a -> !a.isLoopbackAddress())
            .toList();
        org.junit.jupiter.api.Assumptions.assumeFalse(own.isEmpty(), "this machine has an address besides loopback");

        assertThat(AddressRanges.interfaceAddresses()).containsAll(own);
        assertThat(own).allSatisfy(address -> assertThat(AddressRanges.allowing("").refusal(address)).isPresent());
    }

    @Test
    void refusesAMalformedAllowListRatherThanGuess() {
        assertThatThrownBy(() -> AddressRanges.allowing("example.com/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressRanges.allowing("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"::1, ::1", "::, ::", "fe80:0:0:0:0:0:0:abcd, fe80::abcd",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1", "2001:db8::, 2001:db8::", "1:0:2:0:3:0:4:0, 1:0:2:0:3:0:4:0",
            "fd12:3456::1, fd12:3456::1"})
    void anIpv6AddressIsWrittenInItsShortForm(String address, String written) throws Exception {
        assertThat(AddressRanges.shortForm(java.net.InetAddress.getByName(address).getAddress())).isEqualTo(written);
    }
}
