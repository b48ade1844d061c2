package io.eventlake.offsets;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * Where a consumer group stands, read at one moment: its state and member count, and per partition it committed on,
 * the committed offset and the partition's log end.
 */
public record GroupPosition(String groupId, String state, int members, Map<TopicPartition, Long> committed,
        Map<TopicPartition, Long> logEnds) {

    /** Per partition it committed on, the records it has still to read. */
    public Map<TopicPartition, Long> lag() {
        Map<TopicPartition, Long> lag = new HashMap<>();
        committed.forEach((tp, offset) -> lag.put(tp, Math.max(0, logEnds.getOrDefault(tp, 0L) - offset)));
        return lag;
    }
}
