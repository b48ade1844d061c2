package io.eventlake.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The arithmetic of a count from a sample and the planner's figure. */
class SampledCountTest {

    @Test
    void theShareOfTheSampleThatMatchedScalesThePlannersFigure() {
        assertThat(SampledCount.estimate(101, 67, 300)).isEqualTo(199);
        assertThat(SampledCount.estimate(100, 100, 5_000)).isEqualTo(5_000);
        assertThat(SampledCount.estimate(100, 0, 5_000)).isZero();
    }

    @Test
    void neverFewerThanTheSampleFound() {
        // Statistics from before the stream grew: the planner expects fewer rows than were just read.
        assertThat(SampledCount.estimate(101, 90, 50)).isEqualTo(90);
    }

    @Test
    void anEmptySampleCountsNothing() {
        assertThat(SampledCount.estimate(0, 0, 1_000)).isZero();
    }
}
