package io.eventlake.event;

import java.time.OffsetDateTime;

/**
 * One event as the lake stores it, with CloudEvents attribute names. {@code source} + {@code id} is the
 * idempotency key. {@code data} is the JSON payload as text (null for an event without data).
 */
public record Event(
        String source,
        String id,
        String type,
        String stream,
        String subject,
        OffsetDateTime time,
        String dataContentType,
        String dataSchema,
        String data,
        RecordOrigin origin) {
}
