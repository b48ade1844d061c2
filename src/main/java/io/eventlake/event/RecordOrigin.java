package io.eventlake.event;

/** Where a record came from on Kafka. Every ingested event has one: HTTP events travel through a topic too. */
public record RecordOrigin(String topic, int partition, long offset) {

    /** The id an event falls back to when its producer gave none: stable across redeliveries. */
    public String fallbackId() {
        return topic + "/" + partition + "/" + offset;
    }
}
