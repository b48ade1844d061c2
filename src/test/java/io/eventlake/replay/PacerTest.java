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
    void overASecondThePacedRateHolds() throws Exception {
        Pacer pacer = new Pacer(200.0);
        long start = System.nanoTime();
        int sent = 0;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1)) {
            long wait = pacer.reserve();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            } else {
                sent++;
            }
        }
        // 200/s plus the initial burst of 20, with some slack for the scheduler.
        assertThat(sent).isBetween(180, 240);
    }
}
