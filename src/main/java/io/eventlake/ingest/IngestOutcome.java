package io.eventlake.ingest;

import java.util.HashMap;
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

    /** Two parts of one batch (stored in two lanes) as one outcome. */
    IngestOutcome plus(IngestOutcome other) {
        return new IngestOutcome(sum(storedByStream, other.storedByStream), sum(supersededByStream, other.supersededByStream),
                sum(duplicatesByStream, other.duplicatesByStream), sum(deadLettersByCode, other.deadLettersByCode),
                forwarded + other.forwarded);
    }

    private static <K> Map<K, Integer> sum(Map<K, Integer> a, Map<K, Integer> b) {
        if (b.isEmpty()) {
            return a;
        }
        Map<K, Integer> sum = new HashMap<>(a);
        b.forEach((key, n) -> sum.merge(key, n, Integer::sum));
        return sum;
    }

    /** Counts the batch in the ingest meters. */
    void reportTo(IngestMetrics metrics) {
        storedByStream.forEach(metrics::stored);
        duplicatesByStream.forEach(metrics::duplicates);
        supersededByStream.forEach(metrics::superseded);
        deadLettersByCode.forEach((code, n) -> metrics.deadLettered(code.name(), n));
    }
}
