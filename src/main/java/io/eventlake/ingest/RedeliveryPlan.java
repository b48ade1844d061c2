package io.eventlake.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.eventlake.deadletter.NewDeadLetter;
import io.eventlake.envelope.RejectionCode;
import io.eventlake.event.Event;
import io.eventlake.event.EventKey;
import io.eventlake.event.RecordOrigin;
import io.eventlake.forward.TopicPartitionKey;
import io.eventlake.lake.LakeAppender;
import io.eventlake.lake.LakeWriteRepository;

/**
 * What to send for a stored batch, redelivered or not: every new, current event is forwarded; a duplicate is
 * forwarded only when the lake holds this very record (same origin) and its partition was never forwarded past it
 * (stored, then the service stopped before forwarding); a superseded event never; a dead letter is published when
 * it is new or its partition was not forwarded past it. Pure: the facts come from the lake and the checkpoints.
 */
final class RedeliveryPlan {

    private RedeliveryPlan() {
    }

    /**
     * The plan of a stored batch. {@code appended}: what the insert stored now (and which of those are older than
     * their key's latest); {@code storedOrigins}: where the events it did not store came from, as the lake holds
     * them; {@code forwardedUpTo}: the forward checkpoints of the batch's partitions; {@code attempts}: each dead
     * letter's attempt count (1: new). On a first delivery the last two maps may be empty.
     */
    static StorePlan of(List<Event> events, LakeAppender.Result appended,
            Map<EventKey, LakeWriteRepository.StoredOrigin> storedOrigins,
            Map<TopicPartitionKey, Long> forwardedUpTo, List<NewDeadLetter> deadLetters, List<Integer> attempts) {
        List<Event> toForward = new ArrayList<>(events.size());
        Map<String, Integer> stored = new HashMap<>();
        Map<String, Integer> duplicates = new HashMap<>();
        Map<String, Integer> superseded = new HashMap<>();
        // The insert keeps the first of several events with one key in a batch; the later ones are duplicates.
        Set<EventKey> firstOccurrence = new HashSet<>(appended.inserted().keySet());
        Instant resentSince = null;
        for (Event event : events) {
            EventKey key = EventKey.of(event);
            if (firstOccurrence.remove(key)) {
                // A superseded event (older than what its key already holds) stays in the history only:
                // forwarding it would roll consumers back.
                if (appended.superseded().contains(key)) {
                    superseded.merge(event.stream(), 1, Integer::sum);
                } else {
                    toForward.add(event.withLakeSeq(appended.inserted().get(key)));
                }
                stored.merge(event.stream(), 1, Integer::sum);
            } else {
                duplicates.merge(event.stream(), 1, Integer::sum);
                // The lake holds this very record (not another record reusing its id) and its partition was
                // never forwarded past it: it was stored, then the service stopped before forwarding it.
                LakeWriteRepository.StoredOrigin storedCopy = storedOrigins.get(key);
                if (storedCopy != null && event.origin().equals(storedCopy.origin())
                        && !wasForwarded(event.origin(), forwardedUpTo)) {
                    toForward.add(event.withLakeSeq(storedCopy.seq()));
                    // It may have reached the broker before the stop: the forwarder looks there first.
                    Instant storedAt = storedCopy.ingestedAt() == null ? Instant.EPOCH : storedCopy.ingestedAt().toInstant();
                    resentSince = resentSince == null || storedAt.isBefore(resentSince) ? storedAt : resentSince;
                }
            }
        }
        List<NewDeadLetter> toPublish = new ArrayList<>();
        List<Integer> publishAttempts = new ArrayList<>();
        Map<RejectionCode, Integer> deadLettered = new EnumMap<>(RejectionCode.class);
        for (int i = 0; i < deadLetters.size(); i++) {
            NewDeadLetter deadLetter = deadLetters.get(i);
            deadLettered.merge(RejectionCode.valueOf(deadLetter.reasonCode()), 1, Integer::sum);
            if (attempts.get(i) == 1 || !wasForwarded(deadLetter.origin(), forwardedUpTo)) {
                toPublish.add(deadLetter);
                publishAttempts.add(attempts.get(i));
            }
        }
        return new StorePlan(toForward, toPublish, publishAttempts,
                new IngestOutcome(stored, superseded, duplicates, deadLettered, toForward.size()), Map.of(), resentSince);
    }

    private static boolean wasForwarded(RecordOrigin origin, Map<TopicPartitionKey, Long> forwardedUpTo) {
        Long upTo = forwardedUpTo.get(TopicPartitionKey.of(origin));
        return upTo != null && origin.offset() <= upTo;
    }
}
