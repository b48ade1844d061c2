package io.eventlake.offsets;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Offset arithmetic of a reset, with the semantics of Kafka's {@code ConsumerGroupCommand}: targets are
 * clamped to {@code [logStart, logEnd]}; to-datetime and by-duration go to the first offset whose timestamp
 * is at or after the instant, or to the end when no record is that late; to-current keeps the committed
 * offset as it is, even outside the log (the end where there is none). Pure: the caller looks up the offsets and the timestamp
 * offsets.
 */
public final class OffsetResetPlanner {

    private OffsetResetPlanner() {
    }

    /**
     * @param offsetsForTime for to-datetime and by-duration: per "topic-partition", the first offset at or
     *        after the instant, or null when no record is that late
     * @param number for to-offset and shift-by
     */
    public static List<PlannedOffset> plan(ResetStrategy strategy, List<PartitionOffsets> partitions,
            Map<String, Long> offsetsForTime, long number) {
        List<PlannedOffset> plan = new ArrayList<>(partitions.size());
        for (PartitionOffsets p : partitions) {
            long target = switch (strategy) {
                case TO_EARLIEST -> p.logStart();
                case TO_LATEST -> p.logEnd();
                case TO_CURRENT -> p.committed() != null ? p.committed() : p.logEnd();
                case TO_DATETIME, BY_DURATION -> {
                    Long found = offsetsForTime.get(key(p.topic(), p.partition()));
                    yield found != null ? found : p.logEnd();
                }
                case TO_OFFSET -> number;
                case SHIFT_BY -> {
                    if (p.committed() == null) {
                        throw new IllegalArgumentException("partition " + key(p.topic(), p.partition())
                                + " has no committed offset to shift from");
                    }
                    yield p.committed() + number;
                }
            };
            // Kafka's tool keeps a committed offset as it is under to-current, even one outside the log.
            boolean keptAsItIs = strategy == ResetStrategy.TO_CURRENT && p.committed() != null;
            plan.add(new PlannedOffset(p.topic(), p.partition(), p.committed(), keptAsItIs ? target : clamp(target, p)));
        }
        return plan;
    }

    static long clamp(long offset, PartitionOffsets p) {
        return Math.max(p.logStart(), Math.min(p.logEnd(), offset));
    }

    public static String key(String topic, int partition) {
        return topic + "-" + partition;
    }
}
