package io.eventlake.console;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The pipeline over one sample interval: events stored, refused by validation and dead-lettered per second, and
 * the end-to-end latency from arrival to forward (p50, p99; null when nothing was forwarded in the interval).
 * {@code at}: epoch seconds, as the charts take it.
 */
@RegisterForReflection
public record OverviewSample(long at, double storedPerSecond, double rejectedPerSecond, double deadLetteredPerSecond,
        Double p50Millis, Double p99Millis) {
}
