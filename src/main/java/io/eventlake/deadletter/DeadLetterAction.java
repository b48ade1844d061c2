package io.eventlake.deadletter;

/**
 * An operator's action on a dead letter, as recorded with its outcome: a redrive ended {@link Outcome#STORED},
 * {@link Outcome#DUPLICATE}, {@link Outcome#SUPERSEDED} (stored, older than its key's latest) or
 * {@link Outcome#STILL_INVALID}; a discard ended {@link Outcome#DISCARDED}.
 */
public enum DeadLetterAction {
    REDRIVE,
    DISCARD;

    /** How an action ended, as recorded. */
    public enum Outcome {
        STORED,
        DUPLICATE,
        SUPERSEDED,
        STILL_INVALID,
        DISCARDED
    }
}
