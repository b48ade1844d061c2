package io.eventlake.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class OffsetResetPlannerTest {

    // p0: records 2..9 (two deleted), committed 4; p1: records 0..9, never committed.
    private final List<PartitionOffsets> partitions = List.of(
            new PartitionOffsets("t", 0, 4L, 2, 10),
            new PartitionOffsets("t", 1, null, 0, 10));

    @Test
    void toEarliestAndToLatestGoToTheLogBounds() {
        assertThat(newOffsets(ResetStrategy.TO_EARLIEST, Map.of(), 0)).containsExactly(2L, 0L);
        assertThat(newOffsets(ResetStrategy.TO_LATEST, Map.of(), 0)).containsExactly(10L, 10L);
    }

    @Test
    void toCurrentKeepsTheCommittedOffsetAndTakesTheEndWhereThereIsNone() {
        assertThat(newOffsets(ResetStrategy.TO_CURRENT, Map.of(), 0)).containsExactly(4L, 10L);
    }

    @Test
    void toCurrentKeepsACommittedOffsetOutsideTheLogAsItIs() {
        List<PartitionOffsets> behind = List.of(new PartitionOffsets("t", 0, 1L, 2, 10),
                new PartitionOffsets("t", 1, 12L, 0, 10));
        assertThat(plan(ResetStrategy.TO_CURRENT, behind, Map.of(), 0)).containsExactly(1L, 12L);
    }

    @Test
    void toOffsetIsClampedAtBothEnds() {
        assertThat(newOffsets(ResetStrategy.TO_OFFSET, Map.of(), 5)).containsExactly(5L, 5L);
        assertThat(newOffsets(ResetStrategy.TO_OFFSET, Map.of(), 1)).containsExactly(2L, 1L);
        assertThat(newOffsets(ResetStrategy.TO_OFFSET, Map.of(), 1000)).containsExactly(10L, 10L);
    }

    @Test
    void shiftByMovesFromTheCommittedOffsetWithinTheBounds() {
        List<PartitionOffsets> committed = List.of(new PartitionOffsets("t", 0, 4L, 2, 10));
        assertThat(plan(ResetStrategy.SHIFT_BY, committed, Map.of(), 3)).containsExactly(7L);
        assertThat(plan(ResetStrategy.SHIFT_BY, committed, Map.of(), -3)).containsExactly(2L);
        assertThat(plan(ResetStrategy.SHIFT_BY, committed, Map.of(), 100)).containsExactly(10L);
    }

    @Test
    void shiftByRefusesAPartitionWithoutCommittedOffset() {
        assertThatThrownBy(() -> newOffsets(ResetStrategy.SHIFT_BY, Map.of(), 1))
                .hasMessageContaining("t-1 has no committed offset");
    }

    @Test
    void toDatetimeTakesTheFoundOffsetOrTheEndWhenNoRecordIsThatLate() {
        Map<String, Long> found = new HashMap<>();
        found.put("t-0", 6L);
        found.put("t-1", null);
        assertThat(newOffsets(ResetStrategy.TO_DATETIME, found, 0)).containsExactly(6L, 10L);
        assertThat(newOffsets(ResetStrategy.BY_DURATION, found, 0)).containsExactly(6L, 10L);
    }

    @Test
    void thePlanKeepsTheCurrentOffsetBesideTheNewOne() {
        var plan = OffsetResetPlanner.plan(ResetStrategy.TO_EARLIEST, partitions, Map.of(), 0);
        assertThat(plan).containsExactly(new PlannedOffset("t", 0, 4L, 2), new PlannedOffset("t", 1, null, 0));
    }

    @Test
    void strategiesAreNamedAsKafkasTool() {
        assertThat(ResetStrategy.fromOption("to-datetime")).contains(ResetStrategy.TO_DATETIME);
        assertThat(ResetStrategy.fromOption("shift-by")).contains(ResetStrategy.SHIFT_BY);
        assertThat(ResetStrategy.fromOption("to-yesterday")).isEmpty();
    }

    private List<Long> newOffsets(ResetStrategy strategy, Map<String, Long> forTime, long number) {
        return plan(strategy, partitions, forTime, number);
    }

    private static List<Long> plan(ResetStrategy strategy, List<PartitionOffsets> partitions, Map<String, Long> forTime,
            long number) {
        return OffsetResetPlanner.plan(strategy, partitions, forTime, number).stream().map(PlannedOffset::newOffset).toList();
    }
}
