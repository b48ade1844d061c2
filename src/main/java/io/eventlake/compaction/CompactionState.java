package io.eventlake.compaction;

/** Where a history compaction run is. A run left RUNNING by a stopped instance is marked FAILED by the next one. */
public enum CompactionState {
    RUNNING,
    SUCCEEDED,
    FAILED
}
