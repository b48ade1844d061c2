package io.eventlake.streams;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What the streams API returns. */
public final class StreamViews {

    private StreamViews() {
    }

    /**
     * A stream and the size of its current state. {@code keysEstimated}: the stream has more keys than are counted one
     * by one per request ({@code eventlake.streams.exact-count-limit}), and the two figures are estimates.
     * {@code lastChangeAt}: when its latest event was stored.
     */
    @RegisterForReflection
    public record StreamSummary(String stream, long liveKeys, long deletedKeys, OffsetDateTime lastChangeAt,
            boolean keysEstimated) {
    }

    @RegisterForReflection
    public record StreamList(List<StreamSummary> streams) {
    }

    /**
     * The current state of one key: its latest event. {@code version}: the value of the stream's version
     * field that ordered it, if any.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KeyState(
            String stream,
            String key,
            String id,
            String source,
            String type,
            OffsetDateTime time,
            BigDecimal version,
            Integer schemaVersion,
            OffsetDateTime updatedAt,
            @JsonRawValue String data) {
    }
}
