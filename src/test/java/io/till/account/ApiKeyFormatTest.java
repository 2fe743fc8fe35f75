package io.till.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeyFormatTest {

    @Test
    void generatesKeysOfTheDocumentedShape() {
        String key = ApiKeyFormat.generate(Mode.LIVE);

        assertThat(key).matches("till_live_[0-9a-z]{12}_[0-9a-z]{32}");
        assertThat(ApiKeyFormat.parse(key)).hasValueSatisfying(parsed -> {
            assertThat(parsed.mode()).isEqualTo(Mode.LIVE);
            assertThat(parsed.prefix()).isEqualTo(key.substring(0, key.lastIndexOf('_')));
        });
    }

    @Test
    void acceptsAnOperatorChosenKeyOfThatShape() {
        assertThat(ApiKeyFormat.parse("till_sandbox_test_0123456789abcdef0123456789abcdef"))
            .hasValueSatisfying(parsed -> assertThat(parsed.prefix()).isEqualTo("till_sandbox_test"));
    }

    @Test
    void rejectsEverythingElse() {
        assertThat(ApiKeyFormat.parse(null)).isEmpty();
        assertThat(ApiKeyFormat.parse("")).isEmpty();
        assertThat(ApiKeyFormat.parse("till_test_abc_0123456789abcdef0123456789abcdef")).isEmpty();
        assertThat(ApiKeyFormat.parse("till_sandbox_abc_short")).isEmpty();
        assertThat(ApiKeyFormat.parse("till_sandbox__0123456789abcdef0123456789abcdef")).isEmpty();
        assertThat(ApiKeyFormat.parse(" till_sandbox_abc_0123456789abcdef0123456789abcdef")).isEmpty();
    }

    @Test
    void hashesDeterministicallyAndDistinctly() {
        assertThat(ApiKeyFormat.hash("a")).isEqualTo(ApiKeyFormat.hash("a")).isNotEqualTo(ApiKeyFormat.hash("b"));
    }
}
