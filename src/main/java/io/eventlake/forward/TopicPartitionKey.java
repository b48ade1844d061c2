package io.eventlake.forward;

import io.eventlake.event.RecordOrigin;

/** A source topic partition. */
public record TopicPartitionKey(String topic, int partition) {

    public static TopicPartitionKey of(RecordOrigin origin) {
        return new TopicPartitionKey(origin.topic(), origin.partition());
    }
}
