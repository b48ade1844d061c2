package io.eventlake.error;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A condition that repeats while it lasts (every query of an outage fails the same way), logged the way an
 * operator can act on it: the first time, then at most once per interval with how often it happened since, and
 * once when it is over. Thread-safe.
 */
public final class RepeatedCondition {

    /** What to log now: how often the condition happened since it began and since it was last logged. */
    public record Report(long occurrences, long sinceLastReport, Instant since) {
    }

    private final long intervalNanos;
    private long occurrences;
    private long sinceLastReport;
    private Instant since;
    private long lastReportNanos;

    public RepeatedCondition(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /** The condition happened again: a report when it is new or the interval has passed since the last one. */
    public synchronized Optional<Report> occurred() {
        long now = System.nanoTime();
        occurrences++;
        sinceLastReport++;
        if (since == null) {
            since = Instant.now();
        } else if (now - lastReportNanos < intervalNanos) {
            return Optional.empty();
        }
        lastReportNanos = now;
        Report report = new Report(occurrences, sinceLastReport, since);
        sinceLastReport = 0;
        return Optional.of(report);
    }

    /** The condition as it stands, if it is happening: how often, since when. */
    public synchronized Optional<Report> ongoing() {
        return since == null ? Optional.empty() : Optional.of(new Report(occurrences, sinceLastReport, since));
    }

    /** The condition is over: a report of it if it had happened, else empty. */
    public synchronized Optional<Report> ended() {
        if (since == null) {
            return Optional.empty();
        }
        Report report = new Report(occurrences, sinceLastReport, since);
        occurrences = 0;
        sinceLastReport = 0;
        since = null;
        return Optional.of(report);
    }
}
