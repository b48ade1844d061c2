package io.eventlake.lake;

import java.time.OffsetDateTime;

/**
 * A page request on the lake: optional filters, the position to continue after ({@code afterSeq}, 0 for
 * the beginning) and a page size already bounded by the caller.
 */
public record EventQuery(String type, String key, OffsetDateTime from, OffsetDateTime to, long afterSeq, int limit) {
}
