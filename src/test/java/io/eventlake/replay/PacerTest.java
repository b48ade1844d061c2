package io.eventlake.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class PacerTest {

    @Test
    void withoutAPaceNothingWaitsAndStepsAreFullBatches() {
        Pacer pacer = new Pacer(null);
        for (int i = 0; i < 10_000; i++) {
            assertThat(pacer.reserve()).isZero();
        }
        assertThat(pacer.stepSize(1000)).isEqualTo(1000);
    }

    @Test
    void aPaceAllowsATenthOfASecondOfBurstThenSpacesEvents() {
        Pacer pacer = new Pacer(100.0);
        for (int i = 0; i < 10; i++) {
            assertThat(pacer.reserve()).as("burst event %d", i).isZero();
        }
        long wait = pacer.reserve();
        assertThat(wait).isPositive().isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(10));
        assertThat(pacer.stepSize(1000)).isEqualTo(200);
        assertThat(new Pacer(0.1).stepSize(1000)).isEqualTo(1);
    }

    @Test
    void overASecondOfTheClockThePacedRateHolds() {
        long[] now = { 0 };
        Pacer pacer = new Pacer(200.0, () -> now[0]);
        int sent = 0;
        while (now[0] < TimeUnit.SECONDS.toNanos(1)) {
            long wait = pacer.reserve();
            if (wait > 0) {
                now[0] += wait;
            } else {
                sent++;
            }
        }
        // 200 in the second, plus the initial burst of a tenth of a second (20), exactly: the clock is the test's.
        assertThat(sent).isBetween(219, 221);
    }

    @Test
    void timeThatPassedWithoutSendingRefillsNoMoreThanTheBurst() {
        long[] now = { 0 };
        Pacer pacer = new Pacer(100.0, () -> now[0]);
        now[0] += TimeUnit.SECONDS.toNanos(60);
        int burst = 0;
        while (pacer.reserve() == 0) {
            burst++;
        }
        assertThat(burst).isEqualTo(10);
    }
}
