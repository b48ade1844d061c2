package io.eventlake.offsets;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Bodies of the consumer-group endpoints. */
public final class ConsumerGroupRequests {

    private ConsumerGroupRequests() {
    }

    /** A topic partition named in a request. */
    @RegisterForReflection
    public record TopicPartitionRef(String topic, Integer partition) {
    }

    /**
     * Which partitions an operation touches: the given partitions, else every partition of the given
     * topics, else every partition the group has committed offsets on (Kafka's {@code --all-topics}).
     */
    @RegisterForReflection
    public record Scope(List<String> topics, List<TopicPartitionRef> partitions) {
    }

    /** {@code POST /consumer-groups/{group}/offsets/reset}. Without {@code execute: true}, a dry run. */
    @RegisterForReflection
    public record ResetRequest(Scope scope, String strategy, String value, Boolean execute) {
    }

    /** {@code POST /consumer-groups/{group}/offsets/copy}: take another group's committed offsets. */
    @RegisterForReflection
    public record CopyRequest(String fromGroup, Scope scope, Boolean execute) {
    }
}
