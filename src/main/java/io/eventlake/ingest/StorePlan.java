package io.eventlake.ingest;

import java.time.Instant;
import java.util.ArrayList;
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

    /**
     * The plans of a batch's lanes as one: their events in lane order (each partition's events are in one lane, in
     * order), their outcomes added up, the earliest resentSince.
     */
    static StorePlan merge(List<StorePlan> lanes) {
        if (lanes.size() == 1) {
            return lanes.get(0);
        }
        List<Event> toForward = new ArrayList<>();
        List<NewDeadLetter> deadLetters = new ArrayList<>();
        List<Integer> attempts = new ArrayList<>();
        IngestOutcome outcome = null;
        Instant resentSince = null;
        for (StorePlan lane : lanes) {
            toForward.addAll(lane.toForward);
            deadLetters.addAll(lane.deadLettersToPublish);
            attempts.addAll(lane.deadLetterAttempts);
            outcome = outcome == null ? lane.outcome : outcome.plus(lane.outcome);
            if (lane.resentSince != null && (resentSince == null || lane.resentSince.isBefore(resentSince))) {
                resentSince = lane.resentSince;
            }
        }
        return new StorePlan(toForward, deadLetters, attempts, outcome, Map.of(), resentSince);
    }

    StorePlan withForwardedUpTo(Map<TopicPartitionKey, Long> offsets) {
        return new StorePlan(toForward, deadLettersToPublish, deadLetterAttempts, outcome, offsets, resentSince);
    }
}
