package io.eventlake.console;

import java.util.Arrays;

/**
 * The counts of a latency histogram at one moment: cumulative counts at each bucket's upper bound (in
 * milliseconds, ascending) and the total. The difference of two of them is the histogram of what happened in
 * between, and a percentile of it is read as Prometheus' {@code histogram_quantile} reads one: linear within
 * the bucket it falls in, and the highest bound when it falls above every bound.
 */
record LatencyHistogram(double[] boundsMillis, long[] cumulative, long total) {

    static final LatencyHistogram EMPTY = new LatencyHistogram(new double[0], new long[0], 0);

    /** What was recorded between {@code earlier} and this one (an empty one when the buckets differ). */
    LatencyHistogram since(LatencyHistogram earlier) {
        if (earlier.total == 0 || !Arrays.equals(boundsMillis, earlier.boundsMillis)) {
            return earlier.total == 0 ? this : EMPTY;
        }
        long[] counts = new long[cumulative.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = cumulative[i] - earlier.cumulative[i];
        }
        return new LatencyHistogram(boundsMillis, counts, total - earlier.total);
    }

    /** This one plus another with the same buckets (the timers of several streams). */
    LatencyHistogram plus(LatencyHistogram other) {
        if (total == 0 && cumulative.length == 0) {
            return other;
        }
        if (!Arrays.equals(boundsMillis, other.boundsMillis)) {
            throw new IllegalArgumentException("histograms with different buckets");
        }
        long[] counts = cumulative.clone();
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.cumulative[i];
        }
        return new LatencyHistogram(boundsMillis, counts, total + other.total);
    }

    /** The {@code q} quantile (0 to 1) in milliseconds; null when nothing was recorded. */
    Double quantile(double q) {
        if (total <= 0 || boundsMillis.length == 0) {
            return null;
        }
        double rank = q * total;
        double lowerBound = 0;
        long below = 0;
        for (int i = 0; i < boundsMillis.length; i++) {
            if (cumulative[i] >= rank) {
                long inBucket = cumulative[i] - below;
                double fraction = inBucket == 0 ? 1 : (rank - below) / inBucket;
                return lowerBound + (boundsMillis[i] - lowerBound) * fraction;
            }
            lowerBound = boundsMillis[i];
            below = cumulative[i];
        }
        return boundsMillis[boundsMillis.length - 1];
    }
}
