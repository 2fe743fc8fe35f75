package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
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
}
