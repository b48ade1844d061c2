package io.eventlake.compaction;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One history compaction run of a stream: what it removed so far. {@code olderThan}: events that arrived
 * in the lake before it were candidates; {@code tombstonesBefore}: tombstones older than it were removed
 * with their key. State RUNNING, SUCCEEDED or FAILED ({@code error} says why). {@code keysTotal}: the stream's keys
 * when it started, estimated ({@code keysTotalEstimated}) for a stream with more than are counted one by one; a run
 * that succeeds ends with the keys it scanned.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CompactionRun(
        long id,
        String stream,
        CompactionState state,
        OffsetDateTime olderThan,
        OffsetDateTime tombstonesBefore,
        long keysTotal,
        boolean keysTotalEstimated,
        long keysScanned,
        long eventsRemoved,
        long tombstonesRemoved,
        String error,
        String requestedBy,
        OffsetDateTime startedAt,
        OffsetDateTime updatedAt,
        OffsetDateTime finishedAt) {
}
