package io.eventlake.replay;

import io.eventlake.compaction.SampledCount;

/**
 * How many events a replay job will send, as known when it is created: exact, or estimated when a stream held more
 * matching events (a snapshot: live keys) than a job counts one by one (a count over all of a stream's history read
 * every row of it, seconds per million events, inside the request that created the job). A job that goes through ends
 * with the exact figure, what it sent.
 */
public record ExpectedCount(long events, boolean estimated) {

    public static final ExpectedCount NONE = new ExpectedCount(0, false);

    public static ExpectedCount exact(long events) {
        return new ExpectedCount(events, false);
    }

    /**
     * A stream's count from its first {@code counted} matching events, the first at lake position {@code firstSeq},
     * the last at {@code lastSeq}, and the stream's last position within the job, {@code streamEnd}: the rest of the
     * stream is taken to hold matching events as densely as the part counted (one per gap between those counted).
     */
    public static ExpectedCount extrapolated(long counted, long firstSeq, long lastSeq, long streamEnd) {
        if (counted == 0 || streamEnd <= lastSeq) {
            return exact(counted);
        }
        double density = lastSeq == firstSeq ? 1 : (counted - 1) / (double) (lastSeq - firstSeq);
        return new ExpectedCount(counted + Math.round(density * (streamEnd - lastSeq)), true);
    }

    /**
     * A snapshot's count of a stream from a sample: of {@code read} keys, {@code matching} are live and pass the job's
     * filters; the planner expects {@code plannedKeys} keys in all, live or deleted ({@link SampledCount}).
     */
    public static ExpectedCount sampled(long read, long matching, long plannedKeys) {
        return new ExpectedCount(SampledCount.estimate(read, matching, plannedKeys), true);
    }

    public ExpectedCount plus(ExpectedCount other) {
        return new ExpectedCount(events + other.events, estimated || other.estimated);
    }
}
