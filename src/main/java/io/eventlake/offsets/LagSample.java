package io.eventlake.offsets;

import java.time.Instant;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * One reading of a consumer group: when, how many members it had, and per partition it committed on, its committed
 * offset and its lag in records.
 */
public record LagSample(Instant at, int members, Map<TopicPartition, Long> committed, Map<TopicPartition, Long> lag) {

    public long totalLag() {
        return lag.values().stream().mapToLong(Long::longValue).sum();
    }
}
