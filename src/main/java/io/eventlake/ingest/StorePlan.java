package io.eventlake.ingest;

import java.util.List;

import io.eventlake.deadletter.NewDeadLetter;
import io.eventlake.event.Event;

/** What the store step decided, for the steps after the transaction committed. */
record StorePlan(
        List<Event> toForward,
        List<NewDeadLetter> deadLettersToPublish,
        List<Integer> deadLetterAttempts,
        IngestOutcome outcome) {
}
