package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Errors on a run's page are words: never a peer's body, never a Java type name. */
class StepErrorsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static StepErrors.Words of(String error) {
        return StepErrors.of(JSON.readTree(error));
    }

    @Test
    void aPeersAnswerIsCutAtItsStatus() {
        var words = of("""
            {"code": "slack_refused", "message": "Slack answered 404: <html>no_service token=xoxb-123</html>"}""");

        assertThat(words.headline()).isEqualTo("Slack refused the message");
        assertThat(words.detail()).isEqualTo("Slack answered 404");
        assertThat(words.retryable()).isFalse();
    }

    @Test
    void aJavaTypeNameBecomesWords() {
        var words = of(
            """
                {"code": "action_error", "message": "exe_1: java.lang.IllegalStateException while calling", "retryable": true}""");

        assertThat(words.headline()).isEqualTo("The action broke off unexpectedly");
        assertThat(words.detail()).isEqualTo("exe_1: an internal error while calling").doesNotContain("java");
        assertThat(words.retryable()).isTrue();
    }

    @Test
    void anUnknownCodeIsReadAsASentenceAndALongMessageIsShortened() {
        var words = of("{\"code\": \"quota_exceeded\", \"message\": \"" + "x".repeat(400) + "\"}");

        assertThat(words.headline()).isEqualTo("Quota exceeded");
        assertThat(words.detail()).hasSize(301).endsWith("…");
        assertThat(StepErrors.of(null)).isNull();
        assertThat(of("{}").headline()).isEqualTo("The step failed");
    }
}
