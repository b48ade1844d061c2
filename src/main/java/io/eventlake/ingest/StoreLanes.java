package io.eventlake.ingest;

import java.util.ArrayList;
import java.util.List;

import io.eventlake.envelope.Extraction;
import io.eventlake.event.Event;

/**
 * Splits a batch into the lanes that store it at once. Every event of one key (stream and key) goes to the
 * same lane, in batch order, so a key's events are stored in order and no two lanes lock the same row of the
 * latest-per-key view; an event without a key follows its partition. Dead letters have no order to keep and go
 * with the first lane.
 */
final class StoreLanes {

    private StoreLanes() {
    }

    /** The batch's extractions in {@code lanes} lists, each in batch order; empty lanes are left out. */
    static List<List<Extraction>> split(List<Extraction> extractions, int lanes) {
        if (lanes == 1) {
            return List.of(extractions);
        }
        List<List<Extraction>> split = new ArrayList<>(lanes);
        for (int i = 0; i < lanes; i++) {
            split.add(new ArrayList<>(extractions.size() / lanes + 1));
        }
        for (Extraction extraction : extractions) {
            int lane = extraction instanceof Extraction.Extracted extracted ? laneOf(extracted.event(), lanes) : 0;
            split.get(lane).add(extraction);
        }
        split.removeIf(List::isEmpty);
        return split;
    }

    static int laneOf(Event event, int lanes) {
        int hash = event.subject() != null ? 31 * event.stream().hashCode() + event.subject().hashCode()
                : 31 * event.origin().topic().hashCode() + event.origin().partition();
        return Math.floorMod(hash, lanes);
    }
}
