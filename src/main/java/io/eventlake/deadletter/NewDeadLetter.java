package io.eventlake.deadletter;

import java.util.List;

import io.eventlake.envelope.IncomingRecord.RecordHeader;
import io.eventlake.error.Violation;
import io.eventlake.event.RecordOrigin;

/** A record that could not become an event, with everything it arrived with and why it was refused. */
public record NewDeadLetter(
        RecordOrigin origin,
        String consumerGroup,
        String reasonCode,
        String reason,
        String eventType,
        byte[] key,
        byte[] payload,
        List<RecordHeader> headers,
        long timestamp,
        List<Violation> violations) {
}
