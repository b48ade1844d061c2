package io.eventlake.lake;

import java.time.OffsetDateTime;

/**
 * An event in the lake, as read back for the API: its position ({@code seq}) and what the API shows of it. Rows are
 * written by {@link LakeWriteRepository} (batched, idempotent); only their {@code superseded} flag changes later (when a
 * later event of the key arrives). {@code data} is the jsonb column's
 * text, so any JSON value (an object, a number, an array, a string, a boolean, null) comes back as written.
 */
public record LakeEvent(long seq, String eventId, String source, String type, String stream, String eventKey,
        OffsetDateTime eventTime, String contentType, String dataSchema, OffsetDateTime ingestedAt,
        Integer schemaVersion, String data, boolean superseded, boolean tombstone) {
}
