package io.eventlake.console;

import java.util.List;

import io.eventlake.lake.EventView;
import io.eventlake.streams.StreamViews.KeyState;

/**
 * One key of a stream as the streams page shows it: its current state (null when it is deleted or was never
 * seen, with {@code why}), and its history in the lake as a timeline, oldest first, each event marked;
 * {@code more} when the history goes on beyond the page.
 */
public record KeyHistory(String stream, String key, KeyState current, String why, List<Entry> timeline, boolean more) {

    /** What an event of the history is to its key now. */
    public enum Mark {
        /** The key's current state. */
        LATEST,
        /** A later event of the key took its place. */
        SUPERSEDED,
        /** It arrived after a later version of its key: kept in the history, never forwarded. */
        ARRIVED_LATE,
        /** It deleted the key (a tombstone). */
        DELETED
    }

    public record Entry(EventView event, Mark mark) {
    }

    static KeyHistory of(String stream, String key, KeyState current, String why, List<EventView> events, boolean more) {
        List<Entry> timeline = events.stream().map(event -> new Entry(event, markOf(event, current))).toList();
        return new KeyHistory(stream, key, current, why, timeline, more);
    }

    private static Mark markOf(EventView event, KeyState current) {
        if (event.tombstone()) {
            return Mark.DELETED;
        }
        if (current != null && event.id().equals(current.id()) && event.source().equals(current.source())) {
            return Mark.LATEST;
        }
        return event.superseded() ? Mark.ARRIVED_LATE : Mark.SUPERSEDED;
    }
}
