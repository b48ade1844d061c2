package io.eventlake.offsets;

/**
 * How a consumer group is doing, judged the way Burrow judges it: over a window of lag samples, not from one
 * reading. See {@link GroupStatusJudge} for the rules.
 */
public enum GroupStatus {
    /** Caught up, or reading and not falling behind. */
    OK,
    /** Reading, but its lag grew at every sample across the window: it reads slower than producers write. */
    WARN,
    /** It has members and lags, but its committed offsets did not move across the window: it reads nothing. */
    STALLED,
    /** It lags and has no members: nobody reads for it. */
    STOPPED
}
