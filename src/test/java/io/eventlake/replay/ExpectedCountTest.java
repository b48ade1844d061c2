package io.eventlake.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExpectedCountTest {

    @Test
    void theRestOfAStreamIsTakenToBeAsDenseAsThePartCounted() {
        // Every fourth position: 101 events counted from 1 to 401, the stream goes on to 4,001 (1,001 in all).
        assertThat(ExpectedCount.extrapolated(101, 1, 401, 4_001)).isEqualTo(new ExpectedCount(1_001, true));
        // A stream that began late: its density is taken from its own first event on, not from the lake's start.
        assertThat(ExpectedCount.extrapolated(100, 10_001, 10_100, 10_600)).isEqualTo(new ExpectedCount(600, true));
        // One event counted: the rest is taken to be every position.
        assertThat(ExpectedCount.extrapolated(1, 7, 7, 10)).isEqualTo(new ExpectedCount(4, true));
    }

    @Test
    void aStreamThatEndsWhereTheCountEndedIsExact() {
        assertThat(ExpectedCount.extrapolated(100, 1, 400, 400)).isEqualTo(ExpectedCount.exact(100));
        assertThat(ExpectedCount.extrapolated(0, 0, 0, 4_000)).isEqualTo(ExpectedCount.exact(0));
    }

    @Test
    void aSnapshotTakesTheShareOfTheSampleTheFiltersLetThroughOfThePlannedKeys() {
        // A tenth of 1,001 keys read pass the filters; the planner expects 20,000 live keys.
        assertThat(ExpectedCount.sampled(1_001, 100, 20_000)).isEqualTo(new ExpectedCount(1_998, true));
        // Statistics from before the stream grew: never fewer than the keys already found.
        assertThat(ExpectedCount.sampled(1_001, 1_001, 50)).isEqualTo(new ExpectedCount(1_001, true));
        assertThat(ExpectedCount.sampled(1_001, 0, 20_000)).isEqualTo(new ExpectedCount(0, true));
    }

    @Test
    void aSumIsEstimatedWhenAnyPartIs() {
        assertThat(ExpectedCount.exact(5).plus(ExpectedCount.exact(7))).isEqualTo(ExpectedCount.exact(12));
        assertThat(ExpectedCount.exact(5).plus(new ExpectedCount(70, true))).isEqualTo(new ExpectedCount(75, true));
        assertThat(ExpectedCount.NONE.plus(ExpectedCount.NONE)).isEqualTo(ExpectedCount.NONE);
    }
}
