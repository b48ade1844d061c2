package io.eventlake.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.eventlake.console.KeyHistory.Entry;
import io.eventlake.console.KeyHistory.Mark;
import io.eventlake.lake.EventView;
import io.eventlake.streams.StreamViews.KeyState;

class KeyHistoryTest {

    private static final OffsetDateTime T = OffsetDateTime.parse("2026-01-01T00:00:00Z");

    @Test
    void theCurrentEventIsLatestEarlierOnesSupersededLateOnesMarkedAndATombstoneDeletes() {
        EventView first = event("e1", false, false);
        EventView late = event("e0", true, false);
        EventView current = event("e2", false, false);
        KeyState state = new KeyState("rental", "R-1", "e2", "src", "rental.updated", T, BigDecimal.ONE, 1, T, "{}");
        KeyHistory history = KeyHistory.of("rental", "R-1", state, null, List.of(first, late, current), false);
        assertThat(history.timeline()).extracting(Entry::mark).containsExactly(Mark.SUPERSEDED, Mark.ARRIVED_LATE,
                Mark.LATEST);

        EventView tombstone = event("e3", false, true);
        KeyHistory deleted = KeyHistory.of("rental", "R-1", null, "deleted", List.of(first, current, tombstone), false);
        assertThat(deleted.timeline()).extracting(Entry::mark).containsExactly(Mark.SUPERSEDED, Mark.SUPERSEDED,
                Mark.DELETED);
    }

    @Test
    void anEventOfAnotherSourceWithTheSameIdIsNotTheCurrentOne() {
        EventView other = new EventView("e2", "elsewhere", "rental.updated", "rental", "R-1", T, null, null, T, 1, "{}", false,
                false);
        KeyState state = new KeyState("rental", "R-1", "e2", "src", "rental.updated", T, null, 1, T, "{}");
        assertThat(KeyHistory.of("rental", "R-1", state, null, List.of(other), false).timeline())
                .extracting(Entry::mark).containsExactly(Mark.SUPERSEDED);
    }

    private static EventView event(String id, boolean superseded, boolean tombstone) {
        return new EventView(id, "src", tombstone ? "rental.deleted" : "rental.updated", "rental", "R-1", T, null, null, T, 1,
                "{}", superseded, tombstone);
    }
}
