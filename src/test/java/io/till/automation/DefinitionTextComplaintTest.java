package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.shared.TillException;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** What the JSON tab says of text that is not JSON: the parser's complaint, never its internals. */
class DefinitionTextComplaintTest {

    private static String complaintOf(String text) {
        try {
            JsonMapper.builder().build().readTree(text);
        } catch (JacksonException e) {
            return DefinitionText.complaint(e.getOriginalMessage());
        }
        throw new AssertionError("read as JSON: " + text);
    }

    @Test
    void anUnclosedObjectOrArraySaysWhatIsMissingWithoutTheParsersSourceNotes() {
        for (String text : new String[]{"{\"name\": \"Dunning\"", "{\"steps\": [1, 2}", "[{\"a\": 1}", "{\"a\" 1}"}) {
            String said = complaintOf(text);
            assertThat(said).as(text).isNotBlank().doesNotContain("Source").doesNotContain("#UNKNOWN")
                .doesNotContain("REDACTED").doesNotContain("StreamReadFeature");
        }
        assertThat(complaintOf("{\"name\": \"Dunning\"")).startsWith("Unexpected end-of-input");
    }

    /** Read as the application reads it, decimals exact: a number no decimal holds is said plainly, not a 500. */
    @Test
    void aNumberNoDecimalHoldsIsAProblemOfTheTextNotAServerError() {
        var text = new DefinitionText(null, JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build());

        assertThatThrownBy(() -> text.read("{\"name\": \"x\", \"amount\": 2e4999999999999999999999}"))
            .isInstanceOfSatisfying(TillException.class, e -> {
                assertThat(e.errors()).hasSize(1);
                assertThat(e.errors().getFirst().field()).isEqualTo("body");
                assertThat(e.errors().getFirst().code()).isEqualTo("malformed_json");
                assertThat(e.errors().getFirst().message()).isEqualTo("holds a number too large to read");
            });
    }
}
