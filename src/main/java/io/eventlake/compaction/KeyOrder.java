package io.eventlake.compaction;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * What orders two events of one key: their versions when both have one (the stream's version field), else
 * their event times, and when those are equal too, their arrival in the lake (seq). The view's SQL guard
 * ({@link LatestViewRepository}) applies the same rule, so that a racing writer cannot roll a key back either.
 */
public record KeyOrder(BigDecimal version, OffsetDateTime time, long seq) {

    public boolean isNewerThan(KeyOrder other) {
        if (version != null && other.version != null) {
            int byVersion = version.compareTo(other.version);
            if (byVersion != 0) {
                return byVersion > 0;
            }
        }
        int byTime = time.toInstant().compareTo(other.time.toInstant());
        if (byTime != 0) {
            return byTime > 0;
        }
        return seq > other.seq;
    }
}
