package io.eventlake.deadletter;

/** Where a dead letter stands. */
public enum DeadLetterStatus {
    /** Waiting for an operator: fix the schema and redrive, or discard. */
    PENDING,
    /** Redriven into the lake, not yet confirmed forwarded: a new redrive forwards it again. */
    REDRIVING,
    /** In the lake and forwarded. */
    REDRIVEN,
    /** Dropped by an operator; kept for the record. */
    DISCARDED
}
