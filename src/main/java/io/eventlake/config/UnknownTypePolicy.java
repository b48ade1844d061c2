package io.eventlake.config;

/** What happens to an event whose type has no registered schema. */
public enum UnknownTypePolicy {
    /** Stored and forwarded unvalidated; its schema version stays empty. */
    ACCEPT,
    /** A dead letter with reason {@code UNKNOWN_TYPE}; refused with 422 over HTTP. */
    REJECT
}
