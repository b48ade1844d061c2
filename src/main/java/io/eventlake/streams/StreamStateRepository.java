package io.eventlake.streams;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.eventlake.streams.StreamViews.KeyState;
import io.eventlake.streams.StreamViews.StreamSummary;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads of the latest-per-key view, joined with the lake events it points at. */
@ApplicationScoped
public class StreamStateRepository {

    private static final String STREAMS = """
            select stream, count(*) filter (where not deleted), count(*) filter (where deleted), max(updated_at)
            from latest_event group by stream order by stream
            """;

    private static final String STATE_COLUMNS = """
            l.stream, l.event_key, e.event_id, e.source, e.type, e.event_time, l.version::text, e.schema_version,
            l.updated_at, e.data::text
            """;

    private static final String KEY = "select l.deleted, " + STATE_COLUMNS + """
            from latest_event l join lake_event e on e.seq = l.seq
            where l.stream = $1 and l.event_key = $2
            """;

    private static final String EXISTS = "select exists (select 1 from latest_event where stream = $1)";

    /** In key order, so that a reader can tell how far it got. */
    private static final String SNAPSHOT = "select " + STATE_COLUMNS + """
            from latest_event l join lake_event e on e.seq = l.seq
            where l.stream = $1 and not l.deleted
            order by l.event_key
            """;

    /** Rows fetched from the cursor at a time: the most a snapshot holds in memory. */
    private static final int FETCH = 256;

    @Inject
    Pool pool;

    @Inject
    ReaderPool readers;

    public Uni<List<StreamSummary>> streams() {
        return pool.query(STREAMS).execute().map(rows -> {
            List<StreamSummary> streams = new ArrayList<>();
            for (Row row : rows) {
                streams.add(new StreamSummary(row.getString(0), row.getLong(1), row.getLong(2), row.getOffsetDateTime(3)));
            }
            return streams;
        });
    }

    /** A deleted key's state is its tombstone: {@code deleted} says so. */
    public record FoundKey(boolean deleted, KeyState state) {
    }

    public Uni<Optional<FoundKey>> key(String stream, String key) {
        return pool.preparedQuery(KEY).execute(Tuple.of(stream, key)).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            Row row = rows.iterator().next();
            return Optional.of(new FoundKey(row.getBoolean(0), state(row, 1)));
        });
    }

    public Uni<Boolean> exists(String stream) {
        return pool.preparedQuery(EXISTS).execute(Tuple.of(stream)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    /**
     * Every live key's state, in key order, read through a server-side cursor in one read-only transaction
     * (a consistent snapshot). Rows are fetched as the subscriber asks for them, so memory stays bounded
     * however many keys the stream has and however slowly the client reads.
     */
    public Multi<KeyState> snapshot(String stream) {
        // The readers' own connection, held for as long as the client reads.
        return readers.pool().getConnection().onItem().transformToMulti(connection -> connection.begin()
                .onItem().transformToMulti(tx -> connection.preparedQuery("set transaction read only").execute()
                        .flatMap(ignored -> connection.prepare(SNAPSHOT))
                        .onItem().transformToMulti(statement -> statement.createStream(FETCH, Tuple.of(stream)).toMulti())
                        .map(row -> state(row, 0)))
                .onTermination().call(() -> connection.close()));
    }

    private static KeyState state(Row row, int first) {
        String version = row.getString(first + 6);
        return new KeyState(row.getString(first), row.getString(first + 1), row.getString(first + 2),
                row.getString(first + 3), row.getString(first + 4), row.getOffsetDateTime(first + 5),
                version == null ? null : new BigDecimal(version), row.getInteger(first + 7), row.getOffsetDateTime(first + 8),
                row.getString(first + 9));
    }
}
