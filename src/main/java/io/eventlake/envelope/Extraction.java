package io.eventlake.envelope;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.eventlake.error.Violation;
import io.eventlake.event.Event;

/** The outcome of reading one record: an event, or the reason it cannot be one. */
public sealed interface Extraction {

    IncomingRecord record();

    /**
     * {@code parsedData}: the event's data as a JSON tree when the extractor was asked to build one (its type
     * has a schema, or its stream orders keys by a payload field), so that it is parsed once; else null.
     */
    record Extracted(IncomingRecord record, Event event, JsonNode parsedData) implements Extraction {

        public Extracted withEvent(Event changed) {
            return new Extracted(record, changed, parsedData);
        }
    }

    /**
     * {@code violations}: where and how the data broke its schema; empty for other reasons. {@code eventType}:
     * the type of the event the record was read as, when it got that far (a structured CloudEvent carries it in
     * its body, not in a header); null otherwise.
     */
    record Rejected(IncomingRecord record, RejectionCode code, String message, List<Violation> violations,
            String eventType) implements Extraction {

        public Rejected(IncomingRecord record, RejectionCode code, String message) {
            this(record, code, message, List.of(), null);
        }

        public Rejected(IncomingRecord record, RejectionCode code, String message, List<Violation> violations) {
            this(record, code, message, violations, null);
        }
    }
}
