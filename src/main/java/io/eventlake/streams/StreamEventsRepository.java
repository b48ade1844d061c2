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

    private static final String PAGE = """
            select seq, event_id, source, type, event_key, event_time, schema_version, tombstone, data::text
            from lake_event
            where stream = $1 and seq > $2 and not superseded
              and ($3::text is null or type = $3) and ($4::text is null or event_key = $4)
            order by seq
            limit $5
            """;

    /** The readers' own connections: a page is read for an event-stream client. */
    @Inject
    ReaderPool readers;

    /** A page and the position after its last event (the given position when the page is empty). */
    public record Page(List<StreamEvent> events, long lastSeq) {
    }

    public Uni<Page> after(String stream, long afterSeq, String type, String key, int limit) {
        // Planned for its values (see StreamRangeRepository): a sparse stream's page read the lake by its primary key.
        return StreamRangeRepository.planned(readers.pool(), PAGE, Tuple.of(stream, afterSeq, type, key, limit)).map(rows -> {
            List<StreamEvent> events = new ArrayList<>(rows.size());
            long last = afterSeq;
            for (Row row : rows) {
                last = row.getLong(0);
                events.add(new StreamEvent(PageCursor.encode(last), row.getString(1), row.getString(2), row.getString(3),
                        row.getString(4), row.getOffsetDateTime(5), row.getInteger(6),
                        row.getBoolean(7) ? Boolean.TRUE : null, row.getString(8)));
            }
            return new Page(events, last);
        });
    }
}
