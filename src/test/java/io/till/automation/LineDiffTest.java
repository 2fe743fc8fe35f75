package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.automation.LineDiff.Kind;
import io.till.automation.LineDiff.Row;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LineDiffTest {

    private static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    @Test
    void identicalTextsAreAllSideBySide() {
        var rows = LineDiff.sideBySide(lines("a", "b", "c"), lines("a", "b", "c"));

        assertThat(rows).extracting(Row::kind).containsOnly(Kind.SAME);
        assertThat(LineDiff.changed(rows)).isFalse();
    }

    @Test
    void aChangedLineIsPairedWithItsReplacementOnOneRow() {
        var rows = LineDiff.sideBySide(lines("{", "  \"duration\": \"P3D\",", "  \"id\": \"wait\"", "}"),
            lines("{", "  \"duration\": \"P5D\",", "  \"id\": \"wait\"", "}"));

        assertThat(rows).containsExactly(new Row(Kind.SAME, 1, "{", 1, "{"),
            new Row(Kind.CHANGED, 2, "  \"duration\": \"P3D\",", 2, "  \"duration\": \"P5D\","),
            new Row(Kind.SAME, 3, "  \"id\": \"wait\"", 3, "  \"id\": \"wait\""), new Row(Kind.SAME, 4, "}", 4, "}"));
    }

    @Test
    void insertedAndRemovedLinesKeepTheLineNumbersOfTheirOwnSide() {
        var rows = LineDiff.sideBySide(lines("a", "b", "c", "d"), lines("a", "c", "x", "d"));

        assertThat(rows).containsExactly(new Row(Kind.SAME, 1, "a", 1, "a"), new Row(Kind.REMOVED, 2, "b", null, null),
            new Row(Kind.SAME, 3, "c", 2, "c"), new Row(Kind.ADDED, null, null, 3, "x"),
            new Row(Kind.SAME, 4, "d", 4, "d"));
    }

    @Test
    void theLongestCommonRunStaysSideBySide() {
        // A naive line-by-line comparison would see every line as changed after the insertion at the top.
        var rows = LineDiff.sideBySide(lines("p", "q", "r", "s"), lines("new", "p", "q", "r", "s"));

        assertThat(rows.stream().filter(r -> r.kind() == Kind.SAME).count()).isEqualTo(4);
        assertThat(rows.getFirst()).isEqualTo(new Row(Kind.ADDED, null, null, 1, "new"));
    }

    @Test
    void emptyTextsAndTextsWhollyReplacedAreHandled() {
        assertThat(LineDiff.sideBySide("", "")).isEmpty();
        assertThat(LineDiff.sideBySide("", lines("a"))).containsExactly(new Row(Kind.ADDED, null, null, 1, "a"));
        assertThat(LineDiff.sideBySide(lines("a", "b"), lines("c"))).containsExactly(
            new Row(Kind.CHANGED, 1, "a", 1, "c"), new Row(Kind.REMOVED, 2, "b", null, null));
    }

    @Test
    void aMiddleTooLargeToCompareIsShownAsRemovedThenAdded() {
        String left = IntStream.range(0, 2100).mapToObj(i -> "left " + i).collect(Collectors.joining("\n"));
        String right = IntStream.range(0, 2100).mapToObj(i -> "right " + i).collect(Collectors.joining("\n"));

        var rows = LineDiff.sideBySide("same\n" + left + "\nend", "same\n" + right + "\nend");

        assertThat(rows).hasSize(2102);
        assertThat(rows.getFirst().kind()).isEqualTo(Kind.SAME);
        assertThat(rows.get(1)).isEqualTo(new Row(Kind.CHANGED, 2, "left 0", 2, "right 0"));
        assertThat(rows.getLast()).isEqualTo(new Row(Kind.SAME, 2102, "end", 2102, "end"));
    }

    @Test
    void longUnchangedStretchesFoldAroundTheChanges() {
        var before = IntStream.rangeClosed(1, 20).mapToObj(i -> "line " + i).toList();
        var after = before.stream().map(l -> l.equals("line 10") ? "line ten" : l).toList();

        List<Row> folded = LineDiff.folded(LineDiff.sideBySide(lines(before.toArray(String[]::new)),
            lines(after.toArray(String[]::new))), 2);

        assertThat(folded).extracting(Row::kind).containsExactly(Kind.GAP, Kind.SAME, Kind.SAME, Kind.CHANGED,
            Kind.SAME, Kind.SAME, Kind.GAP);
        assertThat(folded.getFirst().left()).isEqualTo("7");
        assertThat(folded.get(3).left()).isEqualTo("line 10");
        assertThat(folded.getLast().left()).isEqualTo("8");
    }
}
