package io.eventlake.lake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** What an append did: the events it inserted (with their lake seq), and those of them superseded. */
    public record Result(Map<EventKey, Long> inserted, Set<EventKey> superseded) {

        /** Whether this event was inserted now and is to be forwarded. */
        public boolean isNewAndCurrent(EventKey key) {
            return inserted.containsKey(key) && !superseded.contains(key);
        }
    }

    /** Appends the events not in the lake yet, in list order, and applies them to the view. */
    public Uni<Result> append(SqlConnection connection, List<Event> events) {
        return writer.insert(connection, events).flatMap(inserted -> {
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
            return view.apply(connection, appended).flatMap(supersededSeqs -> {
                Set<EventKey> superseded = new HashSet<>();
                for (LatestView.Appended a : appended) {
                    if (supersededSeqs.contains(a.seq())) {
                        superseded.add(EventKey.of(a.event()));
                    }
                }
                return writer.markSuperseded(connection, supersededSeqs).replaceWith(new Result(inserted, superseded));
            });
        });
    }
}
