package io.eventlake.offsets;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One line of a reset plan, as the tool prints it: the partition, its current offset and the new one. */
@RegisterForReflection
public record PlannedOffset(String topic, int partition, Long currentOffset, long newOffset) {
}
