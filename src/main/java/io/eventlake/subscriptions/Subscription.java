package io.eventlake.subscriptions;

import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A registered consumer group and what its consumer reads (see the README's subscription contract):
 * {@code backfillTopic} first (when set) until the record with the {@code eventlake-backfill-complete}
 * header, then {@code topics}, skipping records whose {@code eventlake-seq} is at most {@code handoverSeq}.
 * {@code backfill}: the replay job filling the backfill topic; {@code lag}: records the group has still to
 * read on its topics (the backfill's unsent events included).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Subscription(
        String group,
        List<String> streams,
        String start,
        List<String> topics,
        String backfillTopic,
        long handoverSeq,
        Long backfillJob,
        String backfillState,
        Long lag,
        String requestedBy,
        OffsetDateTime createdAt) {
}
