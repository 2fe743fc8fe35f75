package io.till.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestFingerprintTest {

    @Test
    void seesTheSameJsonInAnyLayoutAsTheSameRequest() {
        assertThat(fingerprint("/a", "{\"x\":1,\"y\":[1,2]}"))
            .isEqualTo(fingerprint("/a", "{ \"y\" : [1, 2],\n \"x\": 1 }"));
    }

    @Test
    void tellsDifferentBodiesPathsAndMethodsApart() {
        assertThat(fingerprint("/a", "{\"x\":1}")).isNotEqualTo(fingerprint("/a", "{\"x\":2}"));
        assertThat(fingerprint("/a", "{\"x\":1}")).isNotEqualTo(fingerprint("/b", "{\"x\":1}"));
        assertThat(fingerprint("/a", "{\"y\":[1,2]}")).isNotEqualTo(fingerprint("/a", "{\"y\":[2,1]}"));
        assertThat(RequestFingerprint.of("POST", "/a", new byte[0]))
            .isNotEqualTo(RequestFingerprint.of("PUT", "/a", new byte[0]));
    }

    @Test
    void comparesBodiesThatAreNotJsonByTheirBytes() {
        assertThat(fingerprint("/a", "name=x")).isEqualTo(fingerprint("/a", "name=x"))
            .isNotEqualTo(fingerprint("/a", "name=y"));
    }

    private static byte[] fingerprint(String path, String body) {
        return RequestFingerprint.of("POST", path, body.getBytes());
    }
}
