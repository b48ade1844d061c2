package io.eventlake.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    private static final double[] BOUNDS = { 5, 10, 25, 50, 100 };

    @Test
    void aQuantileIsInterpolatedWithinItsBucketAsPrometheusDoes() {
        // 100 recordings: 40 up to 5 ms, 40 in (5, 10], 15 in (10, 25], 5 in (25, 50]
        LatencyHistogram histogram = new LatencyHistogram(BOUNDS, new long[] { 40, 80, 95, 100, 100 }, 100);
        assertThat(histogram.quantile(0.2)).isCloseTo(2.5, within(1e-9));
        assertThat(histogram.quantile(0.5)).isCloseTo(5 + 5 * 10 / 40.0, within(1e-9));
        assertThat(histogram.quantile(0.99)).isCloseTo(25 + 25 * 4 / 5.0, within(1e-9));
    }

    @Test
    void theIntervalBetweenTwoReadingsHoldsOnlyWhatHappenedInIt() {
        LatencyHistogram before = new LatencyHistogram(BOUNDS, new long[] { 1000, 1000, 1000, 1000, 1000 }, 1000);
        // 10 slow ones since: all in (50, 100]
        LatencyHistogram after = new LatencyHistogram(BOUNDS, new long[] { 1000, 1000, 1000, 1000, 1010 }, 1010);
        LatencyHistogram interval = after.since(before);
        assertThat(interval.total()).isEqualTo(10);
        assertThat(interval.quantile(0.5)).isCloseTo(75, within(1e-9));
        assertThat(after.quantile(0.5)).isLessThan(5);
    }

    @Test
    void aboveEveryBoundTheHighestBoundIsTheAnswerAndNothingRecordedHasNone() {
        LatencyHistogram slow = new LatencyHistogram(BOUNDS, new long[] { 0, 0, 0, 0, 0 }, 3);
        assertThat(slow.quantile(0.5)).isEqualTo(100);
        assertThat(new LatencyHistogram(BOUNDS, new long[5], 0).quantile(0.5)).isNull();
        assertThat(LatencyHistogram.EMPTY.quantile(0.99)).isNull();
    }

    @Test
    void theTimersOfSeveralStreamsAddUp() {
        LatencyHistogram one = new LatencyHistogram(BOUNDS, new long[] { 10, 10, 10, 10, 10 }, 10);
        LatencyHistogram other = new LatencyHistogram(BOUNDS, new long[] { 0, 0, 0, 10, 10 }, 10);
        LatencyHistogram both = LatencyHistogram.EMPTY.plus(one).plus(other);
        assertThat(both.total()).isEqualTo(20);
        assertThat(both.quantile(0.5)).isCloseTo(5, within(1e-9));
        assertThat(both.quantile(0.75)).isCloseTo(25 + 25 * 5 / 10.0, within(1e-9));
    }
}
