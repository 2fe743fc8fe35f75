package io.till.automation;

import java.util.ArrayList;
import java.util.List;

/**
 * Two texts side by side, line by line, as the versions page shows two versions of a definition: the longest common
 * subsequence of lines stays side by side, the rest is removed (left), added (right) or changed (a removed line and an
 * added one paired on the same row). Pure.
 */
final class LineDiff {

    /**
     * Above this many cells (lines left × lines right, once the common start and end are set aside) the table would
     * cost more memory than a page should: the middle is then shown as all removed and all added. A definition is at
     * most 256 KiB; the edits a person makes between two saves are far below this.
     */
    static final long MAX_CELLS = 4_000_000;

    enum Kind {
        SAME,
        REMOVED,
        ADDED,
        CHANGED,
        /** Unchanged lines left out of the view: {@code left} says how many. */
        GAP
    }

    /** One row of the side-by-side view; a side without a line has a null number and text. */
    record Row(Kind kind, Integer leftNumber, String left, Integer rightNumber, String right) {}

    private LineDiff() {}

    static List<Row> sideBySide(String before, String after) {
        List<String> a = before.lines().toList();
        List<String> b = after.lines().toList();
        int start = 0;
        while (start < a.size() && start < b.size() && a.get(start).equals(b.get(start))) {
            start++;
        }
        int endA = a.size();
        int endB = b.size();
        while (endA > start && endB > start && a.get(endA - 1).equals(b.get(endB - 1))) {
            endA--;
            endB--;
        }
        var rows = new ArrayList<Row>();
        for (int i = 0; i < start; i++) {
            rows.add(new Row(Kind.SAME, i + 1, a.get(i), i + 1, b.get(i)));
        }
        middle(a, start, endA, b, start, endB, rows);
        for (int i = endA, j = endB; i < a.size(); i++, j++) {
            rows.add(new Row(Kind.SAME, i + 1, a.get(i), j + 1, b.get(j)));
        }
        return rows;
    }

    /** Walks the LCS table of the differing middle, pairing each run of removals with the additions that follow. */
    private static void middle(List<String> a, int fromA, int toA, List<String> b, int fromB, int toB,
        List<Row> rows) {
        int n = toA - fromA;
        int m = toB - fromB;
        var removed = new ArrayList<Integer>();
        var added = new ArrayList<Integer>();
        if ((long) n * m > MAX_CELLS) {
            for (int i = fromA; i < toA; i++) {
                removed.add(i);
            }
            for (int j = fromB; j < toB; j++) {
                added.add(j);
            }
            flush(a, b, removed, added, rows);
            return;
        }
        // lcs[i][j]: the longest common subsequence of a[fromA + i..] and b[fromB + j..].
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(fromA + i).equals(b.get(fromB + j))
                    ? lcs[i + 1][j + 1] + 1
                    : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(fromA + i).equals(b.get(fromB + j))) {
                flush(a, b, removed, added, rows);
                rows.add(new Row(Kind.SAME, fromA + i + 1, a.get(fromA + i), fromB + j + 1, b.get(fromB + j)));
                i++;
                j++;
            } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
                added.add(fromB + j++);
            } else {
                removed.add(fromA + i++);
            }
        }
        flush(a, b, removed, added, rows);
    }

    private static void flush(List<String> a, List<String> b, List<Integer> removed, List<Integer> added,
        List<Row> rows) {
        for (int k = 0; k < Math.max(removed.size(), added.size()); k++) {
            Integer left = k < removed.size() ? removed.get(k) : null;
            Integer right = k < added.size() ? added.get(k) : null;
            Kind kind = left != null && right != null ? Kind.CHANGED : left != null ? Kind.REMOVED : Kind.ADDED;
            rows.add(new Row(kind, left == null ? null : left + 1, left == null ? null : a.get(left),
                right == null ? null : right + 1, right == null ? null : b.get(right)));
        }
        removed.clear();
        added.clear();
    }

    /**
     * The rows with long unchanged stretches folded: {@code context} unchanged lines stay on each side of a change,
     * the rest of each stretch becomes one {@link Kind#GAP} row.
     */
    static List<Row> folded(List<Row> rows, int context) {
        var shown = new ArrayList<Row>();
        int i = 0;
        while (i < rows.size()) {
            if (rows.get(i).kind() != Kind.SAME) {
                shown.add(rows.get(i++));
                continue;
            }
            int end = i;
            while (end < rows.size() && rows.get(end).kind() == Kind.SAME) {
                end++;
            }
            int keepBefore = i == 0 ? 0 : context;
            int keepAfter = end == rows.size() ? 0 : context;
            if (end - i <= keepBefore + keepAfter + 1) {
                shown.addAll(rows.subList(i, end));
            } else {
                shown.addAll(rows.subList(i, i + keepBefore));
                int hidden = end - i - keepBefore - keepAfter;
                shown.add(new Row(Kind.GAP, null, String.valueOf(hidden), null, null));
                shown.addAll(rows.subList(end - keepAfter, end));
            }
            i = end;
        }
        return shown;
    }

    /** Whether any line differs. */
    static boolean changed(List<Row> rows) {
        return rows.stream().anyMatch(row -> row.kind() != Kind.SAME && row.kind() != Kind.GAP);
    }
}
