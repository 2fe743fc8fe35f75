package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.shared.TillException;
import org.junit.jupiter.api.Test;

class CancellationTest {

    /**
     * A browser counts each line break of a textarea as one character against its maxlength, and sends it as CRLF: a
     * note of 500 it allowed arrives longer, and is taken as the 500 the buyer saw, with plain line breaks.
     */
    @Test
    void aNoteTheBrowserAllowedIsTakenWithItsLineBreaksCountedOnce() {
        String typed = "a".repeat(496) + "\r\nb\r\nc";

        var cancellation = new Cancellation(null, typed, Cancellation.By.CUSTOMER, null);

        assertThat(Cancellation.problems(null, typed)).isEmpty();
        assertThat(cancellation.text()).isEqualTo("a".repeat(496) + "\nb\nc").hasSize(500);
        assertThatThrownBy(() -> new Cancellation(null, "a".repeat(501), Cancellation.By.CUSTOMER, null))
            .isInstanceOf(TillException.class);
    }
}
