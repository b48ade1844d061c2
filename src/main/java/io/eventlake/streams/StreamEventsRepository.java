package io.eventlake.streams;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.eventlake.lake.StreamRangeRepository;
import io.eventlake.request.PageCursor;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Pages of a stream's events in lake order, after a position. Superseded events (older than their key's
 * latest when they arrived) are left out, as they are never forwarded either.
 */
@ApplicationScoped
public class StreamEventsRepository {

    private static final String COLUMNS = "seq, event_id, source, type, event_key, event_time, schema_version, tombstone,"
            + " data::text";

    private static final String PAGE = "select " + COLUMNS + """
             from lake_event
            where stream = $1 and seq > $2 and not superseded
              and ($3::text is null or type = $3) and ($4::text is null or event_key = $4)
            order by seq
            limit $5
            """;

    /**
     * A page filtered by type or key, and beside it the position of the stream's last event, read in the same
     * statement so that both see the same events. A page that is not full holds every match up to that event, so the
     * next read starts after it rather than after the last match: a follower's poll then never looks again at events
     * it has already passed, whichever index the filter is read along (measured, a rare type's poll was already cheap
     * along the type's index; a key common in other streams is where it saves reads). The last event comes first,
     * and alone when nothing matched.
     */
    private static final String FILTERED_PAGE = "select stream_last, " + COLUMNS + """
             from (select (select l.seq from %s l where l.stream = $1 and l.seq > $2) as stream_last) last
            left join lateral (
                select seq, event_id, source, type, event_key, event_time, schema_version, tombstone, data from lake_event
                where stream = $1 and seq > $2 and not superseded
                  and ($3::text is null or type = $3) and ($4::text is null or event_key = $4)
                order by seq
                limit $5) page on true
            order by seq
            """.formatted(StreamRangeRepository.lastEvent("seq", "$1", StreamRangeRepository.END));

    /** The readers' own connections: a page is read for an event-stream client. */
    @Inject
    ReaderPool readers;

    /**
     * A page and the position to read on from: after its last event, or, when a filtered page is not full, after the
     * stream's last event (the given position when the stream has none after it).
     */
    public record Page(List<StreamEvent> events, long lastSeq) {
    }

    public Uni<Page> after(String stream, long afterSeq, String type, String key, int limit) {
        boolean filtered = type != null || key != null;
        // Planned for its values (see StreamRangeRepository): a sparse stream's page read the lake by its primary key.
        return StreamRangeRepository.planned(readers.pool(), filtered ? FILTERED_PAGE : PAGE,
                Tuple.of(stream, afterSeq, type, key, limit)).map(rows -> {
                    int first = filtered ? 1 : 0;
                    List<StreamEvent> events = new ArrayList<>(rows.size());
                    long last = afterSeq;
                    Long streamLast = null;
                    for (Row row : rows) {
                        if (filtered) {
                            streamLast = row.getLong(0);
                        }
                        if (row.getValue(first) == null) {
                            continue; // the stream's last event alone: nothing matched
                        }
                        last = row.getLong(first);
                        events.add(new StreamEvent(PageCursor.encode(last), row.getString(first + 1),
                                row.getString(first + 2), row.getString(first + 3), row.getString(first + 4),
                                row.getOffsetDateTime(first + 5), row.getInteger(first + 6),
                                row.getBoolean(first + 7) ? Boolean.TRUE : null, row.getString(first + 8)));
                    }
                    if (events.size() < limit && streamLast != null) {
                        last = Math.max(last, streamLast);
                    }
                    return new Page(events, last);
                });
    }
}
