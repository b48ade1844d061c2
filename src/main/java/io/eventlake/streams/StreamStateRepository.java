package io.eventlake.streams;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.eventlake.compaction.ViewKeysRepository;
import io.eventlake.lake.StreamRangeRepository;
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

    /**
     * The view's streams, in order, each found by one probe of its primary key past the one before: as many probes
     * as streams, however many keys they hold (a {@code group by} read the whole view).
     */
    private static final String STREAM_NAMES = """
            with recursive names(stream) as (
                (select stream from latest_event order by stream limit 1)
                union all
                select (select l.stream from latest_event l where l.stream > names.stream order by l.stream limit 1)
                from names where names.stream is not null)
            select stream from names where stream is not null
            """;

    /** When a stream's latest event was stored: one probe of the lake's {@code (stream, seq)} index. */
    private static final String LAST_STORED = "select ingested_at from "
            + StreamRangeRepository.lastEvent("ingested_at", "$1", StreamRangeRepository.END) + " l where l.stream = $1";

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
    ViewKeysRepository viewKeys;

    @Inject
    ReaderPool readers;

    /**
     * Every stream of the view that is {@code visible}, with its live and deleted keys: counted when it has at most
     * {@code exactCountLimit}
     * keys, else estimated from that many ({@link ViewKeysRepository}).
     */
    public Uni<List<StreamSummary>> streams(Predicate<String> visible, int exactCountLimit) {
        return pool.query(STREAM_NAMES).execute().onItem()
                .transformToMulti(rows -> Multi.createFrom().iterable(rows).map(row -> row.getString(0)))
                .select().where(visible)
                .onItem().transformToUniAndConcatenate(stream -> summary(stream, exactCountLimit))
                .collect().asList();
    }

    private Uni<StreamSummary> summary(String stream, int exactCountLimit) {
        Uni<OffsetDateTime> lastStored = StreamRangeRepository.planned(pool, LAST_STORED, Tuple.of(stream))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getOffsetDateTime(0));
        return Uni.combine().all().unis(viewKeys.count(stream, exactCountLimit), lastStored).asTuple()
                .map(both -> new StreamSummary(stream, both.getItem1().live(), both.getItem1().deleted(),
                        both.getItem2(), both.getItem1().estimated()));
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
