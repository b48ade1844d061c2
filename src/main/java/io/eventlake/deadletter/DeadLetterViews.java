package io.eventlake.deadletter;

import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.eventlake.error.Violation;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** What the dead-letter API answers. */
public final class DeadLetterViews {

    private DeadLetterViews() {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeadLetterSummary(long id, DeadLetterStatus status, String reasonCode, String reason, String eventType,
            String sourceTopic, int sourcePartition, long sourceOffset, int attempts, OffsetDateTime createdAt,
            OffsetDateTime updatedAt) {
    }

    @RegisterForReflection
    public record DeadLetterPage(List<DeadLetterSummary> deadLetters, String next, boolean hasMore) {
    }

    /**
     * One dead letter whole: the original key and value as text when they are UTF-8 (else base64 in
     * {@code keyBase64}/{@code payloadBase64}), its headers, its violations and what was done with it.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeadLetterDetail(DeadLetterSummary summary, String consumerGroup, String key, String keyBase64,
            String payload, String payloadBase64, @JsonRawValue String headers, @JsonRawValue String violations,
            OffsetDateTime recordTimestamp, List<Action> actions) {
    }

    /** A redrive or discard, as recorded. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Action(String action, String outcome, String detail, String eventId, String requestedBy,
            OffsetDateTime at) {
    }

    /** The outcome of redriving one dead letter. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RedriveResult(long id, RedriveOutcome outcome, String eventId, String reason, List<Violation> errors) {
    }

    /**
     * A bulk redrive: how many matched (after {@code after}, when the call named it), and when executed, what became of
     * those this call went through: at most a batch of them, in id order, up to {@code lastId}; {@code more} when
     * others after it match, for the next call to go on with {@code "after": lastId}.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BulkRedriveResult(boolean executed, long matched, boolean matchedEstimated, long redriven,
            long stillInvalid, long duplicates, Long lastId, boolean more) {
    }
}
