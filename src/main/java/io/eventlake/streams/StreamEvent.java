package io.eventlake.streams;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One event of an HTTP event stream. {@code cursor}: pass it as {@code after} to resume right after this
 * event (it is also the SSE event id, so {@code Last-Event-ID} resumes too). {@code deleted}: the event is a
 * delete (tombstone) of its key.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamEvent(
        String cursor,
        String id,
        String source,
        String type,
        String subject,
        OffsetDateTime time,
        Integer schemaVersion,
        Boolean deleted,
        @JsonRawValue String data) {
}
