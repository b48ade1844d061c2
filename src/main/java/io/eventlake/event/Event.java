package io.eventlake.event;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * One event as the lake stores it, with CloudEvents attribute names. {@code source} + {@code id} is the
 * idempotency key. {@code data} is the JSON payload as text (null for an event without data).
 * {@code schemaVersion} is the version of its type's schema it was validated against (null: not validated).
 * {@code tombstone}: a delete of its key. {@code orderVersion}: the value of its stream's version field, which
 * orders the events of one key (null: none, they are ordered by time, then arrival). {@code lakeSeq}: its
 * position in the lake, once stored.
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
        Integer schemaVersion,
        boolean tombstone,
        BigDecimal orderVersion,
        Long lakeSeq) {

    /** A new event, before validation and compaction rules were applied to it. */
    public Event(String source, String id, String type, String stream, String subject, OffsetDateTime time,
            String dataContentType, String dataSchema, String data, RecordOrigin origin) {
        this(source, id, type, stream, subject, time, dataContentType, dataSchema, data, origin, null, false, null, null);
    }

    /** The same event, recorded as valid against this version of its type's schema. */
    public Event withSchemaVersion(Integer version) {
        return new Event(source, id, type, stream, subject, time, dataContentType, dataSchema, data, origin, version,
                tombstone, orderVersion, lakeSeq);
    }

    /** The same event, as the compaction rules of its stream see it: a delete or not, and its version. */
    public Event withCompaction(boolean isTombstone, BigDecimal version) {
        return new Event(source, id, type, stream, subject, time, dataContentType, dataSchema, data, origin,
                schemaVersion, isTombstone, version, lakeSeq);
    }

    /** The same event, as stored in the lake at this position. */
    public Event withLakeSeq(long seq) {
        return new Event(source, id, type, stream, subject, time, dataContentType, dataSchema, data, origin,
                schemaVersion, tombstone, orderVersion, seq);
    }
}
