package io.eventlake.replay;

import java.util.function.LongSupplier;

/**
 * Holds a job to its pace: a token bucket of a tenth of a second's worth of events, so that sends come in
 * small, even bursts rather than one sleep per event. Without a pace it never waits.
 */
final class Pacer {

    private final LongSupplier nanoClock;
    private final double perSecond;
    private final double burst;
    private double tokens;
    private long last;

    /** {@code perSecond}: null or not positive for no pace. */
    Pacer(Double perSecond) {
        this(perSecond, System::nanoTime);
    }

    /** With the clock it reads (nanoseconds, as {@link System#nanoTime()}), so that a test can drive time. */
    Pacer(Double perSecond, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.perSecond = perSecond == null || perSecond <= 0 ? 0 : perSecond;
        this.burst = Math.max(1, this.perSecond / 10);
        this.tokens = burst;
        this.last = nanoClock.getAsLong();
    }

    /** Nanoseconds to wait before the next event may go; 0 when it may go now (and it is counted). */
    long reserve() {
        if (perSecond == 0) {
            return 0;
        }
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) ((1 - tokens) / perSecond * 1e9);
    }

    /** The page size that keeps a step to about two seconds of events, within the configured batch size. */
    int stepSize(int batchSize) {
        if (perSecond == 0) {
            return batchSize;
        }
        return (int) Math.max(1, Math.min(batchSize, perSecond * 2));
    }
}
