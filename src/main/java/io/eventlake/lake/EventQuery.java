package io.eventlake.lake;

import java.time.OffsetDateTime;
import java.util.Set;

/**
 * A page request on the lake: optional filters, the streams the caller may see ({@code null}: every stream),
 * the position to continue after ({@code afterSeq}, 0 for the beginning) and a page size already bounded by
 * the caller.
 */
public record EventQuery(String type, String key, OffsetDateTime from, OffsetDateTime to, Set<String> streams,
        long afterSeq, int limit) {

    /** The same query asking for this many rows. */
    public EventQuery withLimit(int rows) {
        return new EventQuery(type, key, from, to, streams, afterSeq, rows);
    }
}
