package io.eventlake.event;

import java.time.OffsetDateTime;

/**
 * One event as the lake stores it, with CloudEvents attribute names. {@code source} + {@code id} is the
 * idempotency key. {@code data} is the JSON payload as text (null for an event without data).
 * {@code schemaVersion} is the version of its type's schema it was validated against (null: not validated).
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
        RecordOrigin origin,
        Integer schemaVersion) {

    /** The same event, recorded as valid against this version of its type's schema. */
    public Event withSchemaVersion(Integer version) {
        return new Event(source, id, type, stream, subject, time, dataContentType, dataSchema, data, origin, version);
    }
}
