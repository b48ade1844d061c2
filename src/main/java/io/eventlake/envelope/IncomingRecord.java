package io.eventlake.envelope;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.eventlake.event.RecordOrigin;

/**
 * A Kafka record as it arrived, before anything is interpreted: the raw bytes are what a dead letter keeps.
 */
public record IncomingRecord(
        RecordOrigin origin,
        byte[] key,
        byte[] value,
        List<RecordHeader> headers,
        long timestamp) {

    /** A record header; Kafka allows repeated names, the last one wins when we read an attribute. */
    public record RecordHeader(String name, byte[] value) {
    }

    /** The value of the last header with this name, as UTF-8 text, or null. */
    public String header(String name) {
        for (int i = headers.size() - 1; i >= 0; i--) {
            RecordHeader header = headers.get(i);
            if (header.name().equalsIgnoreCase(name)) {
                return header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    public String keyAsString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }
}
