package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/**
 * Periods keep the day of the month they began on. A probe's subscription bought on January 31 renewed February 28,
 * then March 28, April 28 for good, and its fixed term ended on the 28th too.
 */
class PeriodsTest {

    private static ArrayList<String> ends(String anchor, String interval, int periods) {
        Instant start = Instant.parse(anchor);
        var ends = new ArrayList<String>();
        Instant end = start;
        for (int i = 0; i < periods; i++) {
            end = Periods.after(end, interval, 1, start);
            ends.add(end.toString().substring(0, 10));
        }
        return ends;
    }

    @Test
    void aMonthlyPeriodBegunOnThe31stEndsOnTheLastDayOfShorterMonthsAndThe31stOfLongerOnes() {
        assertThat(ends("2027-01-31T10:00:00Z", "month", 5)).containsExactly("2027-02-28", "2027-03-31",
            "2027-04-30", "2027-05-31", "2027-06-30");
    }

    @Test
    void aPeriodBegunOnThe30thKeepsThe30thAfterFebruary() {
        assertThat(ends("2027-01-30T10:00:00Z", "month", 3)).containsExactly("2027-02-28", "2027-03-30",
            "2027-04-30");
    }

    @Test
    void aYearlyPeriodBegunOnALeapDayEndsOnTheLastDayOfFebruary() {
        assertThat(ends("2028-02-29T10:00:00Z", "year", 4)).containsExactly("2029-02-28", "2030-02-28",
            "2031-02-28", "2032-02-29");
    }

    @Test
    void aPeriodMovedToAnEarlierDayStaysThere() {
        // Staff moved the next bill to the 10th: the 31st the plan began on does not pull it back up.
        Instant moved = Instant.parse("2027-02-10T10:00:00Z");

        assertThat(Periods.after(moved, "month", 1, Instant.parse("2027-01-31T10:00:00Z")))
            .isEqualTo(Instant.parse("2027-03-10T10:00:00Z"));
    }

    @Test
    void daysAndWeeksAreExact() {
        assertThat(ends("2027-01-31T10:00:00Z", "week", 1)).containsExactly("2027-02-07");
        assertThat(ends("2027-01-31T10:00:00Z", "day", 1)).containsExactly("2027-02-01");
    }
}
