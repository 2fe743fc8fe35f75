package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The executions list said "Started by payment.failed"; Till's own events are said in words, their type beside. */
class TriggerWordsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static String words(String trigger) {
        return ExecutionPages.triggerWords(JSON.readTree(trigger));
    }

    @Test
    void saysHowARunBeganInWords() {
        assertThat(words("{\"type\": \"payment.failed\"}")).isEqualTo("Payment failed (payment.failed)");
        assertThat(words("{\"type\": \"acme.signup\"}")).isEqualTo("acme.signup");
        assertThat(words("{\"type\": \"manual\"}")).isEqualTo("Run by hand");
        assertThat(words("{\"type\": \"schedule\"}")).isEqualTo("On schedule");
    }
}
