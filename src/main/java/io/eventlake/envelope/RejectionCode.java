package io.eventlake.envelope;

/** Why a record became a dead letter instead of an event. Stored and sent as {@code error_code}. */
public enum RejectionCode {
    /** The value (or a structured event's data) is not JSON. */
    NOT_JSON,
    /** Neither a CloudEvents type nor the configured type header says what the event is. */
    MISSING_TYPE,
    /** A CloudEvents attribute has the wrong form (a time that is not RFC 3339, a non-string id). */
    INVALID_ATTRIBUTE,
    /** The data does not match its type's schema (the violations are stored with the dead letter). */
    SCHEMA_VIOLATION,
    /** No schema is registered for the type and its stream rejects unknown types. */
    UNKNOWN_TYPE,
    /** The event's time is further ahead of the service's clock than {@code eventlake.ingest.max-future-skew}. */
    TIME_IN_FUTURE,
    /** PostgreSQL refused to store the event (for example a JSON string holding \u0000). */
    STORAGE_REJECTED
}
