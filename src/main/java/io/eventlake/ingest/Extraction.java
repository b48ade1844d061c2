package io.eventlake.ingest;

import java.util.List;

import io.eventlake.error.Violation;
import io.eventlake.event.Event;

/** The outcome of reading one record: an event, or the reason it cannot be one. */
public sealed interface Extraction {

    IncomingRecord record();

    record Extracted(IncomingRecord record, Event event) implements Extraction {
    }

    /** {@code violations}: where and how the data broke its schema; empty for other reasons. */
    record Rejected(IncomingRecord record, RejectionCode code, String message, List<Violation> violations)
            implements
                Extraction {

        public Rejected(IncomingRecord record, RejectionCode code, String message) {
            this(record, code, message, List.of());
        }
    }
}
