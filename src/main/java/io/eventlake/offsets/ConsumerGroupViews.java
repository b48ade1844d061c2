package io.eventlake.offsets;

import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What the consumer-group endpoints answer. */
public final class ConsumerGroupViews {

    private ConsumerGroupViews() {
    }

    /**
     * {@code status} is judged over the status window from the sampled lag ({@link GroupStatus}); {@code lagSeconds}
     * is, as of the last sample, how old the oldest record the group has not read is (absent before the first sample).
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GroupSummary(String groupId, String state, int members, List<String> topics, long totalLag,
            GroupStatus status, Long lagSeconds) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PartitionLag(String topic, int partition, Long committedOffset, long logEndOffset, long lag,
            Long lagMillis) {
    }

    @RegisterForReflection
    public record GroupDetail(String groupId, String state, GroupStatus status, List<GroupMember> members,
            List<PartitionLag> partitions, long totalLag) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ResetResult(String groupId, String operation, String strategy, String value, String fromGroup,
            boolean executed, List<PlannedOffset> plan) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OffsetChange(long id, String groupId, String operation, String strategy, String value,
            String fromGroup, String requestedBy, OffsetDateTime executedAt, @JsonRawValue String plan) {
    }
}
