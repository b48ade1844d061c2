package io.eventlake.lake;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.eventlake.compaction.LatestView;
import io.eventlake.event.Event;
import io.eventlake.event.EventKey;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Appends events to the lake and keeps the latest-per-key view in the same transaction. Every write of
 * events into the lake (ingest, dead-letter redrive) goes through here, so the view never lags the history.
 */
@ApplicationScoped
public class LakeAppender {

    @Inject
    LakeWriteRepository writer;

    @Inject
    LatestView view;

    @Inject
    LakePartitions partitions;

    /** What an append did: the events it inserted (with their lake seq), and those of them superseded. */
    public record Result(Map<EventKey, Long> inserted, Set<EventKey> superseded) {

        /** Whether this event was inserted now and is to be forwarded. */
        public boolean isNewAndCurrent(EventKey key) {
            return inserted.containsKey(key) && !superseded.contains(key);
        }
    }

    /** Per hour or minute of event time, the lowest and highest seq of these events, in time order. */
    static Map<OffsetDateTime, long[]> seqRanges(List<LatestView.Appended> appended, TimeBucket bucket) {
        Map<OffsetDateTime, long[]> ranges = new TreeMap<>();
        for (LatestView.Appended a : appended) {
            long seq = a.seq();
            long[] range = ranges.computeIfAbsent(bucket.of(a.event().time()), time -> new long[] { seq, seq });
            range[0] = Math.min(range[0], seq);
            range[1] = Math.max(range[1], seq);
        }
        return ranges;
    }

    /** Appends the events not in the lake yet, in list order, and applies them to the view. */
    public Uni<Result> append(SqlConnection connection, List<Event> events) {
        return writer.insert(connection, events)
                // No partition for some rows: one is created now, and the caller's retry finds it.
                .onFailure(LakePartitions::isMissingPartition).invoke(partitions::checkNow)
                .flatMap(inserted -> applyInserted(connection, events, inserted));
    }

    /** Applies the events just inserted to the view and the time index, and marks those a newer one superseded. */
    private Uni<Result> applyInserted(SqlConnection connection, List<Event> events, Map<EventKey, Long> inserted) {
        if (inserted.isEmpty()) {
            return Uni.createFrom().item(new Result(inserted, Set.of()));
        }
        List<LatestView.Appended> appended = new ArrayList<>(inserted.size());
        // Only the first of several events with one idempotency key in a list was inserted.
        Map<EventKey, Long> pending = new HashMap<>(inserted);
        for (Event event : events) {
            Long seq = pending.remove(EventKey.of(event));
            if (seq != null) {
                appended.add(new LatestView.Appended(event, seq));
            }
        }
        // The view's write and the time index's are sent together (the connection pipelines them, and
        // PostgreSQL runs them in this order): no round trip more on a batch's way to its commit. The time
        // index stays after the view, so the current hour's and minute's rows, which every lane widens, are
        // locked for the shortest time; hours before minutes in every lane, so two lanes never deadlock.
        Uni<Set<Long>> viewApplied = view.apply(connection, appended);
        Uni<Void> hoursWidened = writer.widenTimeIndex(connection, TimeBucket.HOUR,
                seqRanges(appended, TimeBucket.HOUR));
        Uni<Void> minutesWidened = writer.widenTimeIndex(connection, TimeBucket.MINUTE,
                seqRanges(appended, TimeBucket.MINUTE));
        return Uni.combine().all().unis(viewApplied, hoursWidened, minutesWidened).asTuple().flatMap(applied -> {
            Set<Long> supersededSeqs = applied.getItem1();
            Set<EventKey> superseded = new HashSet<>();
            for (LatestView.Appended a : appended) {
                if (supersededSeqs.contains(a.seq())) {
                    superseded.add(EventKey.of(a.event()));
                }
            }
            return writer.markSuperseded(connection, supersededSeqs).replaceWith(new Result(inserted, superseded));
        });
    }
}
