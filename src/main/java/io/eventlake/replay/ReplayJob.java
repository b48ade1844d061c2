package io.eventlake.replay;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A replay job as stored and as the API shows it. {@code state}: PENDING, RUNNING, SUCCEEDED, CANCELLED or
 * FAILED. {@code sent}: events acknowledged by Kafka on the target topic; {@code totalExpected}: how many the
 * job will send (for a snapshot, the live keys when it started); {@code totalEstimated}: that figure is an estimate
 * (a stream longer than {@code eventlake.replay.exact-count-limit}) until the job went through. {@code eventsPerSecond}: the
 * measured rate
 * since the job (re)started; {@code etaSeconds}: at that rate.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplayJob(
        long id,
        ReplayState state,
        ReplaySource source,
        List<String> streams,
        List<String> types,
        List<String> keys,
        OffsetDateTime from,
        OffsetDateTime to,
        String targetTopic,
        Double paceEventsPerSecond,
        String spreadOver,
        long totalExpected,
        boolean totalEstimated,
        long sent,
        Double eventsPerSecond,
        Long etaSeconds,
        String error,
        String requestedBy,
        OffsetDateTime createdAt,
        OffsetDateTime startedAt,
        OffsetDateTime updatedAt,
        OffsetDateTime finishedAt,
        @JsonIgnore long upToSeq,
        @JsonIgnore Checkpoint checkpoint,
        @JsonIgnore boolean endMarker) {

    /**
     * How far the job got: the steps (pages) whose records Kafka acknowledged, and the position after the
     * last of them (a lake seq for history; a stream and key for a snapshot).
     */
    public record Checkpoint(long steps, long seq, String stream, String key) {
    }

    public boolean isSnapshot() {
        return source == ReplaySource.SNAPSHOT;
    }

    /** Header of the record that ends a backfill; its value is the last lake position the backfill covers. */
    public static final String END_MARKER_HEADER = "eventlake-backfill-complete";

    /** The pace in events per second the job is held to; null: as fast as it goes. */
    public Double pace() {
        if (paceEventsPerSecond != null) {
            return paceEventsPerSecond;
        }
        if (spreadOver != null) {
            double seconds = Math.max(1, Duration.parse(spreadOver).toMillis() / 1000.0);
            return Math.max(1.0 / seconds, totalExpected / seconds);
        }
        return null;
    }
}
