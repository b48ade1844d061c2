package io.eventlake.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.eventlake.deadletter.NewDeadLetter;
import io.eventlake.event.Event;
import io.eventlake.forward.TopicPartitionKey;

/**
 * What storing a batch decided, for the step after the transaction committed: the events to forward, the
 * dead letters to publish, and the offsets the batch covers per partition (forwarded up to them once done).
 * {@code resentSince}: when some of the events to forward may already be on the broker (stored, maybe forwarded,
 * then the service stopped before recording it), the earliest time they were stored; null when none can be.
 */
public record StorePlan(
        List<Event> toForward,
        List<NewDeadLetter> deadLettersToPublish,
        List<Integer> deadLetterAttempts,
        IngestOutcome outcome,
        Map<TopicPartitionKey, Long> forwardedUpTo,
        Instant resentSince) {

    StorePlan withForwardedUpTo(Map<TopicPartitionKey, Long> offsets) {
        return new StorePlan(toForward, deadLettersToPublish, deadLetterAttempts, outcome, offsets, resentSince);
    }
}
