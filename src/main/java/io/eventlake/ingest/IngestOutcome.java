package io.eventlake.ingest;

import java.util.Map;

import io.eventlake.envelope.RejectionCode;
import io.eventlake.metrics.IngestMetrics;

/**
 * What one batch came to. {@code storedByStream}: events new to the lake, per stream; {@code duplicates}:
 * events the lake already held (redeliveries, repeated ids); {@code supersededByStream}: stored events that
 * arrived after a newer event of their key (counted in stored too, never forwarded);
 * {@code deadLettersByCode}: records refused.
 */
public record IngestOutcome(
        Map<String, Integer> storedByStream,
        Map<String, Integer> supersededByStream,
        Map<String, Integer> duplicatesByStream,
        Map<RejectionCode, Integer> deadLettersByCode,
        int forwarded) {

    /** Counts the batch in the ingest meters. */
    void reportTo(IngestMetrics metrics) {
        storedByStream.forEach(metrics::stored);
        duplicatesByStream.forEach(metrics::duplicates);
        supersededByStream.forEach(metrics::superseded);
        deadLettersByCode.forEach((code, n) -> metrics.deadLettered(code.name(), n));
    }
}
