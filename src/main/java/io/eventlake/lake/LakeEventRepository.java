package io.eventlake.lake;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reads of the lake. Every query pages by seq, using the (filter, seq) indexes of the migrations; a page's statement
 * names only the filters it has, so PostgreSQL plans each shape for the index that fits it.
 */
@ApplicationScoped
public class LakeEventRepository {

    private static final String COLUMNS = """
            select seq, event_id, source, type, stream, event_key, event_time, content_type, data_schema, ingested_at,
                   schema_version, data::text, superseded, tombstone
            from lake_event
            """;

    private final Pool pool;
    private final LakeTimeIndexRepository timeIndex;

    @Inject
    public LakeEventRepository(Pool pool, LakeTimeIndexRepository timeIndex) {
        this.pool = pool;
        this.timeIndex = timeIndex;
    }

    public Uni<List<LakeEvent>> page(EventQuery query) {
        Where where = new Where();
        where.add("seq > $", query.afterSeq());
        if (query.type() != null) {
            where.add("type = $", query.type());
        }
        if (query.key() != null) {
            where.add("event_key = $", query.key());
        }
        if (query.streams() != null) {
            where.add("stream = any($::text[])", query.streams().toArray(String[]::new));
        }
        if (query.from() == null && query.to() == null) {
            return select(where, "order by seq limit " + query.limit());
        }
        // A time range: the lake is read in seq order between the seqs its minutes and hours span (the time
        // index), not from its start (which took time in proportion to the events before the window). The bounds
        // are looked up first and passed as values: as a subquery the planner could not see them and scanned the
        // whole BRIN index instead. Nothing indexed in the window, no event.
        String eventTime = LakeTimeIndexRepository.eventTimeReadInSeqOrder("event_time");
        if (query.from() != null) {
            where.add(eventTime + " >= $", query.from());
        }
        if (query.to() != null) {
            where.add(eventTime + " < $", query.to());
        }
        return timeIndex.seqRange(query.from(), query.to()).flatMap(range -> {
            if (range.isEmpty()) {
                return Uni.createFrom().item(List.of());
            }
            where.add("seq >= $", range.get().first());
            where.add("seq <= $", range.get().last());
            return select(where, "order by seq limit " + query.limit());
        });
    }

    /**
     * The events with this id (of this source), among the given streams ({@code null}: every stream): at most two
     * without a source, enough to tell that several sources used the id.
     */
    public Uni<List<LakeEvent>> byEventId(String eventId, String source, Set<String> streams) {
        Where where = new Where();
        // The id's rows are found through the idempotency keys (event_id leads), then by seq in their partitions.
        where.add("seq in (select seq from lake_event_id where event_id = $)", eventId);
        if (source != null) {
            where.add("source = $", source);
        }
        if (streams != null) {
            where.add("stream = any($::text[])", streams.toArray(String[]::new));
        }
        return select(where, "order by seq limit 2");
    }

    private Uni<List<LakeEvent>> select(Where where, String tail) {
        return pool.preparedQuery(COLUMNS + " where " + String.join(" and ", where.conditions) + " " + tail)
                .execute(where.values).map(LakeEventRepository::events);
    }

    /** The conditions of one statement with their values, numbered as they are added. */
    private static final class Where {
        private final List<String> conditions = new ArrayList<>();
        private final Tuple values = Tuple.tuple();

        /** A condition whose {@code $} stands for this value. */
        void add(String condition, Object value) {
            values.addValue(value);
            conditions.add(condition.replace("$", "$" + values.size()));
        }
    }

    private static List<LakeEvent> events(RowSet<Row> rows) {
        List<LakeEvent> events = new ArrayList<>(rows.size());
        for (Row row : rows) {
            events.add(new LakeEvent(row.getLong(0), row.getString(1), row.getString(2), row.getString(3),
                    row.getString(4), row.getString(5), row.getOffsetDateTime(6), row.getString(7), row.getString(8),
                    row.getOffsetDateTime(9), row.getInteger(10), row.getString(11), row.getBoolean(12),
                    row.getBoolean(13)));
        }
        return events;
    }
}
