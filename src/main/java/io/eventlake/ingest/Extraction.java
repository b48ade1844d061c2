package io.eventlake.ingest;

import io.eventlake.event.Event;

/** The outcome of reading one record: an event, or the reason it cannot be one. */
public sealed interface Extraction {

    IncomingRecord record();

    record Extracted(IncomingRecord record, Event event) implements Extraction {
    }

    record Rejected(IncomingRecord record, RejectionCode code, String message) implements Extraction {
    }
}
