package io.till.shared;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmailAddressesTest {

    private static final List<String> PLAIN = List.of("ada@example.com", "ada.lovelace+till@mail.example.co.uk",
        "zoë@münchen.example", "o'brien@example.ie", "a@b.c", "x_y-z%1@sub.example.org");

    private static final List<String> NOT_PLAIN = List.of("ada@gmail.com.", "ada@gmail..com", "ada@gmail,com.au",
        "x<eve@evil.com>", "<a>@c.de", "a(b)@shop.com", "help.@shop.com", ".help@shop.com", "a..b@shop.com",
        "a:b@shop.com", "Eve <eve@example.com>", "ada@example", "ada@@example.com", "ada@exa mple.com",
        "ada@.example.com",
        "a\"b@example.com", "ada@example.com;bob@example.com", "ada\n@example.com", "@example.com", "ada@");

    @Test
    void aPlainAddressIsTakenAndTheMailLibraryReadsItAsItself() throws AddressException {
        for (String address : PLAIN) {
            assertThat(EmailAddresses.isPlain(address)).as(address).isTrue();
            assertThat(new InternetAddress(address, true).getAddress()).as(address).isEqualTo(address);
        }
    }

    @Test
    void whatTheMailLibraryRefusesOrReadsAsAnotherAddressIsNotPlain() {
        for (String address : NOT_PLAIN) {
            assertThat(EmailAddresses.isPlain(address)).as(address).isFalse();
        }
        assertThat(EmailAddresses.isPlain("a".repeat(65) + "@example.com")).isFalse();
        assertThat(EmailAddresses.isPlain("ada@" + "a".repeat(250) + ".com")).isFalse();
        assertThat(EmailAddresses.isPlain(null)).isFalse();
    }
}
