package io.eventlake.replay;

/** Where a replay job is: waiting for a runner, sending, or ended (done, cancelled, failed). */
public enum ReplayState {
    PENDING,
    RUNNING,
    SUCCEEDED,
    CANCELLED,
    FAILED;

    /** Whether the job can still be cancelled. */
    public boolean active() {
        return this == PENDING || this == RUNNING;
    }
}
