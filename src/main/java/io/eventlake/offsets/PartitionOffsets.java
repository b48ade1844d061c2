package io.eventlake.offsets;

/**
 * Where a group stands on one partition and what the partition holds: {@code committed} is null when the
 * group never committed there; {@code logStart} and {@code logEnd} bound the offsets that exist.
 */
public record PartitionOffsets(String topic, int partition, Long committed, long logStart, long logEnd) {
}
