package io.eventlake.lake;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An event as the API shows it: CloudEvents attribute names, plus the stream, when the lake
 * stored it and the version of its type's schema it matched.
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
        @JsonRawValue String data) {

    public static EventView of(LakeEvent e) {
        return new EventView(e.eventId(), e.source(), e.type(), e.stream(), e.eventKey(), e.eventTime(), e.contentType(),
                e.dataSchema(), e.ingestedAt(), e.schemaVersion(), e.data());
    }
}
