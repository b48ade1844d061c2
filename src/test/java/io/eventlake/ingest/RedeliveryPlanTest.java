package io.eventlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.eventlake.deadletter.NewDeadLetter;
import io.eventlake.envelope.RejectionCode;
import io.eventlake.event.Event;
import io.eventlake.event.EventKey;
import io.eventlake.event.RecordOrigin;
import io.eventlake.forward.TopicPartitionKey;
import io.eventlake.lake.LakeAppender;
import io.eventlake.lake.LakeWriteRepository.StoredOrigin;

class RedeliveryPlanTest {

    private static final TopicPartitionKey PARTITION = new TopicPartitionKey("ingest.rentals", 0);
    private static final java.time.OffsetDateTime STORED_AT = java.time.OffsetDateTime.parse("2026-12-01T10:00:00Z");

    private static Event event(String id, long offset) {
        return new Event("/tests", id, "rental.updated", "rental", "Rental-" + id, OffsetDateTime.parse("2025-01-01T00:00:00Z"),
                null, null, "{}", new RecordOrigin("ingest.rentals", 0, offset));
    }

    private static NewDeadLetter deadLetter(long offset) {
        return new NewDeadLetter(new RecordOrigin("ingest.rentals", 0, offset), "eventlake-ingest",
                RejectionCode.NOT_JSON.name(), "not JSON", null, null, new byte[] { 1 }, List.of(), 0L, List.of());
    }

    @Test
    void aFirstDeliveryForwardsEveryNewCurrentEventAndPublishesEveryDeadLetter() {
        Event a = event("a", 10);
        Event b = event("b", 11);
        StorePlan plan = RedeliveryPlan.of(List.of(a, b),
                new LakeAppender.Result(Map.of(EventKey.of(a), 100L, EventKey.of(b), 101L), Set.of()), Map.of(), Map.of(),
                List.of(deadLetter(12)), List.of(1));
        assertThat(plan.toForward()).extracting(Event::lakeSeq).containsExactly(100L, 101L);
        assertThat(plan.resentSince()).as("nothing new can be on the broker").isNull();
        assertThat(plan.deadLettersToPublish()).hasSize(1);
        assertThat(plan.outcome().storedByStream()).containsEntry("rental", 2);
        assertThat(plan.outcome().deadLettersByCode()).containsEntry(RejectionCode.NOT_JSON, 1);
    }

    @Test
    void aSupersededEventIsStoredButNeverForwarded() {
        Event late = event("late", 10);
        StorePlan plan = RedeliveryPlan.of(List.of(late),
                new LakeAppender.Result(Map.of(EventKey.of(late), 100L), Set.of(EventKey.of(late))), Map.of(), Map.of(),
                List.of(), List.of());
        assertThat(plan.toForward()).isEmpty();
        assertThat(plan.outcome().supersededByStream()).containsEntry("rental", 1);
        assertThat(plan.outcome().storedByStream()).containsEntry("rental", 1);
    }

    @Test
    void aRedeliveredRecordStoredButNotForwardedIsForwardedOnce() {
        Event again = event("a", 10);
        StorePlan plan = RedeliveryPlan.of(List.of(again), new LakeAppender.Result(Map.of(), Set.of()),
                Map.of(EventKey.of(again), new StoredOrigin(again.origin(), 100L, STORED_AT)), Map.of(PARTITION, 9L), List.of(),
                List.of());
        assertThat(plan.toForward()).extracting(Event::lakeSeq).containsExactly(100L);
        assertThat(plan.outcome().duplicatesByStream()).containsEntry("rental", 1);
        // it may have reached the broker before the stop: the forwarder reads back from when it was stored
        assertThat(plan.resentSince()).isEqualTo(STORED_AT.toInstant());
    }

    @Test
    void aRedeliveredRecordAlreadyForwardedIsNotForwardedAgain() {
        Event again = event("a", 10);
        StorePlan plan = RedeliveryPlan.of(List.of(again), new LakeAppender.Result(Map.of(), Set.of()),
                Map.of(EventKey.of(again), new StoredOrigin(again.origin(), 100L, STORED_AT)), Map.of(PARTITION, 10L),
                List.of(),
                List.of());
        assertThat(plan.toForward()).isEmpty();
    }

    @Test
    void anotherRecordReusingAStoredIdIsADuplicateNeverForwarded() {
        Event original = event("a", 10);
        Event impostor = event("a", 42);
        StorePlan plan = RedeliveryPlan.of(List.of(impostor), new LakeAppender.Result(Map.of(), Set.of()),
                Map.of(EventKey.of(impostor), new StoredOrigin(original.origin(), 100L, STORED_AT)), Map.of(), List.of(),
                List.of());
        assertThat(plan.toForward()).isEmpty();
        assertThat(plan.outcome().duplicatesByStream()).containsEntry("rental", 1);
    }

    @Test
    void theSecondOfTwoEventsWithOneKeyInABatchIsADuplicate() {
        Event first = event("a", 10);
        Event second = event("a", 11);
        StorePlan plan = RedeliveryPlan.of(List.of(first, second),
                new LakeAppender.Result(Map.of(EventKey.of(first), 100L), Set.of()),
                Map.of(EventKey.of(second), new StoredOrigin(first.origin(), 100L, STORED_AT)), Map.of(), List.of(), List.of());
        assertThat(plan.toForward()).extracting(Event::origin).containsExactly(first.origin());
        assertThat(plan.outcome().duplicatesByStream()).containsEntry("rental", 1);
    }

    @Test
    void aRedeliveredDeadLetterIsPublishedOnlyWhenItsPartitionWasNotForwardedPastIt() {
        NewDeadLetter bad = deadLetter(12);
        assertThat(RedeliveryPlan.of(List.of(), new LakeAppender.Result(Map.of(), Set.of()), Map.of(),
                Map.of(PARTITION, 12L), List.of(bad), List.of(2)).deadLettersToPublish()).isEmpty();
        StorePlan plan = RedeliveryPlan.of(List.of(), new LakeAppender.Result(Map.of(), Set.of()), Map.of(),
                Map.of(PARTITION, 11L), List.of(bad), List.of(2));
        assertThat(plan.deadLettersToPublish()).containsExactly(bad);
        assertThat(plan.deadLetterAttempts()).containsExactly(2);
    }
}
