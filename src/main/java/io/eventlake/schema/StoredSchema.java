package io.eventlake.schema;

import java.time.OffsetDateTime;

/** One registered version of an event type's schema, as stored. */
public record StoredSchema(String type, int version, String schemaText, String fingerprint, String createdBy,
        OffsetDateTime createdAt) {
}
