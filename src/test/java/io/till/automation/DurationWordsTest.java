package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DurationWordsTest {

    @Test
    void wordsASellerTypesBecomeIsoDurations() {
        assertThat(DurationWords.iso("5 days")).contains("P5D");
        assertThat(DurationWords.iso("1 day")).contains("P1D");
        assertThat(DurationWords.iso(" 2 Hours 30 min ")).contains("PT2H30M");
        assertThat(DurationWords.iso("1 week")).contains("P7D");
        assertThat(DurationWords.iso("36h")).contains("P1DT12H");
        assertThat(DurationWords.iso("90 minutes")).contains("PT1H30M");
        assertThat(DurationWords.iso("1 day, 2 hours and 5 seconds")).contains("P1DT2H5S");
    }

    @Test
    void anythingElseIsLeftForTheParserToName() {
        assertThat(DurationWords.iso("P3D")).isEmpty();
        assertThat(DurationWords.iso("soon")).isEmpty();
        assertThat(DurationWords.iso("5")).isEmpty();
        assertThat(DurationWords.iso("1 day ".repeat(5000))).as("no stack overflow").isEmpty();
        assertThat(DurationWords.iso("-5 days")).isEmpty();
        assertThat(DurationWords.iso("5 fortnights")).isEmpty();
    }

    @Test
    void isoDurationsReadAsWords() {
        assertThat(DurationWords.words("P5D")).isEqualTo("5 days");
        assertThat(DurationWords.words("PT1H")).isEqualTo("1 hour");
        assertThat(DurationWords.words("P1DT2H30M")).isEqualTo("1 day 2 hours 30 minutes");
        assertThat(DurationWords.words("PT36H")).isEqualTo("1 day 12 hours");
        assertThat(DurationWords.words("P1W")).isEqualTo("P1W");
        assertThat(DurationWords.words("oops")).isEqualTo("oops");
    }

    @Test
    void wordsAndIsoGoRoundTrip() {
        for (String typed : new String[]{"5 days", "2 hours 30 minutes", "1 day 12 hours", "45 seconds"}) {
            assertThat(DurationWords.words(DurationWords.iso(typed).orElseThrow())).isEqualTo(typed);
        }
    }
}
