package io.eventlake.compaction;

import io.vertx.mutiny.sqlclient.Row;

/**
 * Counts of a stream's rows in the latest-per-key view that read a bounded number of rows: a sample (the stream's
 * first rows in key order, up to a limit) counted one by one, and, when the stream holds more, the planner's
 * estimate of its rows (from the statistics autovacuum keeps) times the share of the sample that matched. A count of
 * every row read the whole view: seconds per few million keys, inside a request.
 */
public final class SampledCount {

    private SampledCount() {
    }

    /** Of {@code read} rows sampled, {@code matching} matched; the planner expects {@code plannedRows} in all. */
    public static long estimate(long read, long matching, long plannedRows) {
        long estimate = read == 0 ? 0 : Math.round(plannedRows * (matching / (double) read));
        // Statistics from before the stream grew: never fewer than were found.
        return Math.max(matching, estimate);
    }

    /** The rows the top node of an {@code explain (format json)} expects. */
    public static long plannedRows(Row explained) {
        return explained.getJsonArray(0).getJsonObject(0).getJsonObject("Plan").getNumber("Plan Rows").longValue();
    }
}
