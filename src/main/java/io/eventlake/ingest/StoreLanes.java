package io.eventlake.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.eventlake.envelope.Extraction;
import io.eventlake.forward.TopicPartitionKey;

/**
 * Splits a batch into the lanes that store it at once, by partition: every record of one partition goes to the
 * same lane, in batch order, so the lake keeps each partition's order (and with it each key's) and dead letters
 * stay in their partition's order too. A poll often holds far more of one partition than of another, so the
 * partitions are dealt largest first, each to the lane holding the fewest records so far.
 */
final class StoreLanes {

    private StoreLanes() {
    }

    /** The batch's extractions in at most {@code lanes} lists, each in batch order; no list is empty. */
    static List<List<Extraction>> split(List<Extraction> extractions, int lanes) {
        Map<TopicPartitionKey, List<Extraction>> byPartition = new LinkedHashMap<>();
        for (Extraction extraction : extractions) {
            byPartition.computeIfAbsent(TopicPartitionKey.of(extraction.record().origin()), p -> new ArrayList<>())
                    .add(extraction);
        }
        if (lanes == 1 || byPartition.size() == 1) {
            return List.of(extractions);
        }
        List<List<Extraction>> partitions = new ArrayList<>(byPartition.values());
        partitions.sort((a, b) -> Integer.compare(b.size(), a.size()));
        List<List<Extraction>> split = new ArrayList<>(lanes);
        for (List<Extraction> partition : partitions) {
            if (split.size() < lanes) {
                split.add(new ArrayList<>(partition));
                continue;
            }
            List<Extraction> lightest = split.get(0);
            for (List<Extraction> lane : split) {
                if (lane.size() < lightest.size()) {
                    lightest = lane;
                }
            }
            // Two partitions in one lane: each keeps its own order; their relative order does not matter.
            lightest.addAll(partition);
        }
        return split;
    }
}
