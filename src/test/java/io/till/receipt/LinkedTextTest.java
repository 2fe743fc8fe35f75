package io.till.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.receipt.LinkedText.Part;
import org.junit.jupiter.api.Test;

/** A receipt footer's web addresses become links; nothing else does, and the text around them is kept as written. */
class LinkedTextTest {

    @Test
    void anAddressEndingASentenceIsALinkWithoutItsFullStop() {
        assertThat(LinkedText.of("Manage it at https://shop.test/account. Thanks!")).containsExactly(
            new Part("Manage it at ", null), new Part("https://shop.test/account", "https://shop.test/account"),
            new Part(". Thanks!", null));
    }

    @Test
    void twoAddressesAndTheLinesBetweenThemAreKept() {
        assertThat(LinkedText.of("Help: http://help.test/faq?q=1&x=2\n(or https://shop.test)")).containsExactly(
            new Part("Help: ", null), new Part("http://help.test/faq?q=1&x=2", "http://help.test/faq?q=1&x=2"),
            new Part("\n(or ", null), new Part("https://shop.test", "https://shop.test"), new Part(")", null));
    }

    @Test
    void onlyWebAddressesAreLinks() {
        assertThat(LinkedText.of("javascript:alert(1) mailto:a@b.test shop.test https://")).containsExactly(
            new Part("javascript:alert(1) mailto:a@b.test shop.test https://", null));
        assertThat(LinkedText.of(null)).isEmpty();
        assertThat(LinkedText.of("")).isEmpty();
    }
}
