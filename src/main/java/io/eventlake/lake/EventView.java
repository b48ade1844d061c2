package io.eventlake.lake;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An event as the API shows it: CloudEvents attribute names, plus the stream, when the lake
 * stored it, the version of its type's schema it matched, whether a later event of its key superseded it and
 * whether it deletes its key (a tombstone).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventView(
        String id,
        String source,
        String type,
        String stream,
        String subject,
        OffsetDateTime time,
        String datacontenttype,
        String dataschema,
        OffsetDateTime ingestedAt,
        Integer schemaVersion,
        @JsonRawValue String data,
        boolean superseded,
        boolean tombstone) {

    public static EventView of(LakeEvent e) {
        return new EventView(e.eventId(), e.source(), e.type(), e.stream(), e.eventKey(), e.eventTime(), e.contentType(),
                e.dataSchema(), e.ingestedAt(), e.schemaVersion(), e.data(), e.superseded(), e.tombstone());
    }
}
