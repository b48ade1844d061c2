package io.eventlake.console;

import java.util.ArrayList;
import java.util.List;

/**
 * A side-by-side line diff of two texts (two schema versions, pretty-printed): rows of the left and the right
 * line, each row kept, removed (left only), added (right only) or changed (both, different). The longest common
 * subsequence of lines decides what is kept; texts longer than {@link #MAX_LINES} are not compared line by line
 * (the page shows them whole), so the work per request stays bounded.
 */
public final class LineDiff {

    /** Lines per side compared at most: the table is lines × lines cells. */
    static final int MAX_LINES = 2_000;

    public enum Change {
        KEPT,
        REMOVED,
        ADDED,
        CHANGED
    }

    /** One row: a line on the left and one on the right (either may be null). */
    public record Row(String left, String right, Change change) {
    }

    private LineDiff() {
    }

    /** The rows, or null when either text is longer than {@link #MAX_LINES} lines. */
    public static List<Row> of(String left, String right) {
        String[] a = left.split("\n", -1);
        String[] b = right.split("\n", -1);
        if (a.length > MAX_LINES || b.length > MAX_LINES) {
            return null;
        }
        int[][] common = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                common[i][j] = a[i].equals(b[j]) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<Row> rows = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> added = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                flush(rows, removed, added);
                rows.add(new Row(a[i], b[j], Change.KEPT));
                i++;
                j++;
            } else if (j < b.length && (i == a.length || common[i][j + 1] >= common[i + 1][j])) {
                added.add(b[j++]);
            } else {
                removed.add(a[i++]);
            }
        }
        flush(rows, removed, added);
        return rows;
    }

    /** A run of removed and added lines between two kept ones: paired up as changed rows, the rest alone. */
    private static void flush(List<Row> rows, List<String> removed, List<String> added) {
        int paired = Math.min(removed.size(), added.size());
        for (int k = 0; k < paired; k++) {
            rows.add(new Row(removed.get(k), added.get(k), Change.CHANGED));
        }
        for (int k = paired; k < removed.size(); k++) {
            rows.add(new Row(removed.get(k), null, Change.REMOVED));
        }
        for (int k = paired; k < added.size(); k++) {
            rows.add(new Row(null, added.get(k), Change.ADDED));
        }
        removed.clear();
        added.clear();
    }
}
