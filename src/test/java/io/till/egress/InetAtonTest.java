package io.till.egress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class InetAtonTest {

    @ParameterizedTest
    @CsvSource({"0x7f000001, 127.0.0.1", "017700000001, 127.0.0.1", "0177.0.0.1, 127.0.0.1", "127.1, 127.0.0.1",
            "0x7f.1, 127.0.0.1", "10.0x10.1, 10.16.0.1", "8.8.8.8, 8.8.8.8", "2130706433, 127.0.0.1",
            "1.2.3.4, 1.2.3.4"})
    void readsEachFormTheCLibraryReads(String written, String address) {
        assertThat(InetAton.read(written)).hasValueSatisfying(read -> assertThat(read.getHostAddress())
            .isEqualTo(address));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "256.1.1.1", "1.2.3.4.5", "08.1.1.1", "0x", "1..2", "", "4294967296",
            "cafe"})
    void aNameOrAnOutOfRangePartIsNoAddress(String written) {
        assertThat(InetAton.read(written)).isEmpty();
    }
}
