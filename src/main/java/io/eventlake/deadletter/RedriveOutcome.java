package io.eventlake.deadletter;

/**
 * What one redrive came to: the record is in the lake now (REDRIVEN), another record with its source and id
 * already was (DUPLICATE), or it still breaks its schema and stays PENDING (STILL_INVALID).
 */
public enum RedriveOutcome {
    REDRIVEN,
    DUPLICATE,
    STILL_INVALID
}
